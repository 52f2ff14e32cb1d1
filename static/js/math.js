// Renders every `.math` element with KaTeX: on the page at load, and in chat messages (chat.js).
// The server stores math as escaped TeX in <span|div class="math math-inline|math-display">;
// display mode is chosen by class, never by tag. Errors show the TeX as text, never as HTML.
import katex from "../vendor/katex/katex.mjs";

export function renderMath(container = document) {
  for (const el of container.querySelectorAll(".math")) {
    if (el.dataset.rendered) continue;
    const tex = el.textContent;
    try {
      katex.render(tex, el, {
        displayMode: el.classList.contains("math-display"),
        throwOnError: false,
        trust: false,
        strict: "ignore",
        maxExpand: 500,
        maxSize: 20,
        output: "htmlAndMathml",
      });
    } catch {
      el.textContent = tex;
    }
    el.dataset.rendered = "1";
  }
}

renderMath();
