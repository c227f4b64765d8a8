"""README's first command, run as written: it installs, builds and serves the demo
tables, and the README's example query answers from them."""

import os
import re
import signal
import socket
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
README = (REPO / "README.md").read_text()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def readme_commands():
    """Shell commands in the README's ```sh blocks, one per line."""
    blocks = re.findall(r"```sh\n(.*?)```", README, re.S)
    return [line.strip() for block in blocks for line in block.splitlines() if line.strip()]


def code_blocks(language):
    return re.findall(rf"```{language}\n(.*?)```", README, re.S)


def make_example_files(root):
    """The files the README's SQL example reads, under `root` instead of /data."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    (root / "events").mkdir(parents=True)
    pq.write_table(pa.table({"id": [1, 2, 3], "kind": ["a", "b", "a"]}), root / "events" / "2024-01.parquet")
    (root / "people.csv").write_text("name,age\nada,36\nbo,12\n")


def test_readme_names_the_two_setup_commands():
    commands = readme_commands()
    assert "scripts/serve.sh" in commands
    assert "scripts/test.sh" in commands
    # CI runs exactly the README's test command.
    assert "scripts/test.sh" in (REPO / ".ci" / "run").read_text()


def test_serve_script_starts_a_server_with_the_demo_tables(tmp_path):
    port = free_port()
    env = dict(os.environ, QUIVER_HOME=str(tmp_path / "home"))
    server = subprocess.Popen(
        ["scripts/serve.sh", "--port", str(port)],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        start_new_session=True)
    try:
        line = ""
        for line in server.stdout:
            if "listening on" in line:
                break
        assert f":{port}" in line, line

        # Queries naming their own port talk to the README's local cluster, which
        # test_cluster_processes.py runs.
        queries = [c for c in readme_commands() if c.startswith("build/quiver sql") and "--port" not in c]
        assert queries, "README shows no example query"
        for command in queries:
            result = subprocess.run(
                command + f" --port {port}", shell=True, cwd=REPO, env=env,
                capture_output=True, text=True, timeout=60)
            assert result.returncode == 0, result.stderr
            assert "rows" in result.stdout, result.stdout

        # The SQL example, with /data/ pointing at files made for it.
        make_example_files(tmp_path / "data")
        script = tmp_path / "example.sql"
        script.write_text("\n".join(code_blocks("sql")).replace("/data/", f"{tmp_path}/data/"))
        result = subprocess.run(["build/quiver", "sql", "--port", str(port), "-f", str(script)],
                                cwd=REPO, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stdout + result.stderr

        # The Python example.
        for block in code_blocks("python"):
            code = block.replace("32010", str(port))
            result = subprocess.run([str(REPO / ".venv" / "bin" / "python"), "-c", code],
                                    capture_output=True, text=True, timeout=60)
            assert result.returncode == 0, result.stderr
            assert "count" in result.stdout
    finally:
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 0


def test_the_extension_examples_run_as_written():
    examples = [command for command in readme_commands() if command.startswith("build/examples/")]
    assert len(examples) == 4, examples
    for command in examples:
        result = subprocess.run([str(REPO / command)], capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, f"{command}: {result.stdout[-2000:]}\n{result.stderr[-2000:]}"
        assert "ok: " in result.stdout, result.stdout[-2000:]
