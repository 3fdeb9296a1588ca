"""Validate a generated dictionary with the project's own loader.

The Rust loader (src/dictionary.rs, `entity-highlighter check`) is the one
definition of the dictionary format; build scripts call it rather than keep
a copy of its rules.
"""
import os
import subprocess

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class CheckFailed(Exception):
    pass


def check_dictionary(path, max_size=None, release=False):
    """Runs `entity-highlighter check` on `path` (building the tool with cargo
    when needed); returns its one-line report, or raises CheckFailed with
    every problem it listed."""
    command = ["cargo", "run", "--quiet"] + (["--release"] if release else []) + ["--", "check"]
    if max_size is not None:
        command += ["--max-size", str(max_size)]
    command.append(path)
    try:
        done = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    except FileNotFoundError as err:
        raise CheckFailed(f"cargo is needed to check the dictionary: {err}") from err
    if done.returncode != 0:
        raise CheckFailed(done.stderr.strip() or f"the checker failed with status {done.returncode}")
    return done.stdout.strip()
