"""typer's `--install-completion` and `--show-completion`, saying what they did in Vietnamese,
through typer's public completion functions."""

import sys
from typing import Any

from typer.completion import (  # type: ignore[attr-defined]  # imported there, not re-exported
    get_completion_script,
    install,
)

COMPLETION_SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh")


def _detected_shell() -> str | None:
    import shellingham  # noqa: PLC0415

    try:
        return str(shellingham.detect_shell()[0])
    except shellingham.ShellDetectionFailure:
        return None


def _completion_shell(value: Any) -> str:
    """The shell named (`--install-completion bash`) or the one running ipstat; one that has
    no completion script is a message and exit status 2."""
    shell = str(getattr(value, "value", value)) if isinstance(value, str) else _detected_shell()
    if shell not in COMPLETION_SHELLS:
        print(
            f"ipstat: không có gợi ý lệnh cho shell “{shell or 'không rõ'}”; "
            "chỉ có cho bash, zsh, fish và PowerShell.",
            file=sys.stderr,
        )
        sys.exit(2)
    return shell


def completion(ctx: Any, param: Any, value: Any) -> Any:
    """typer's `--install-completion` and `--show-completion`, saying what they did in
    Vietnamese."""
    if not value or ctx.resilient_parsing:
        return value
    name = ctx.find_root().info_name or "ipstat"
    shell = _completion_shell(value)
    if "--install-completion" in param.opts:
        shell, path = install(shell=shell, prog_name=name)
        print(f"Đã cài gợi ý lệnh cho {shell} vào {path}; có hiệu lực khi mở lại cửa sổ lệnh.")
    else:
        variable = "_{}_COMPLETE".format(name.replace("-", "_").upper())
        print(get_completion_script(prog_name=name, complete_var=variable, shell=shell))
    sys.exit(0)
