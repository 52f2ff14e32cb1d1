"""Print the shape of the code: the longest files and functions, and the view handlers (routes
and socket events) over 15 lines. Run before and after a refactor and compare:

    .venv/bin/python benchmarks/code_shape.py [path/to/mentorhub]
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

HANDLER_DECORATORS = {"route", "get", "post", "put", "delete", "on", "event"}


def _is_handler(node: ast.FunctionDef) -> bool:
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(target, ast.Attribute) and target.attr in HANDLER_DECORATORS:
            return True
    return False


def _length(node: ast.AST) -> int:
    # from the def line (not the decorators) to the last line of the body
    return node.end_lineno - node.lineno + 1


def measure(root: Path) -> dict:
    files, functions, handlers = [], [], []
    for path in sorted(root.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        name = str(path.relative_to(root.parent))
        files.append((len(text.splitlines()), name))
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                functions.append((_length(node), f"{name}:{node.lineno} {node.name}"))
                if _is_handler(node):
                    handlers.append((_length(node), f"{name}:{node.lineno} {node.name}"))
    return {"files": files, "functions": functions, "handlers": handlers}


def main() -> None:
    root = Path(sys.argv[1] if len(sys.argv) > 1 else "mentorhub")
    shape = measure(root)
    print(f"files: {len(shape['files'])}, lines: {sum(n for n, _ in shape['files'])}")
    print("longest files:")
    for n, name in sorted(shape["files"], reverse=True)[:8]:
        print(f"  {n:5d}  {name}")
    print("longest functions:")
    for n, name in sorted(shape["functions"], reverse=True)[:10]:
        print(f"  {n:5d}  {name}")
    long_handlers = [h for h in shape["handlers"] if h[0] > 15]
    print(f"handlers: {len(shape['handlers'])}, over 15 lines: {len(long_handlers)}")
    for n, name in sorted(long_handlers, reverse=True)[:10]:
        print(f"  {n:5d}  {name}")


if __name__ == "__main__":
    main()
