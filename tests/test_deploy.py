"""Offline checks of ``deploy/``: what can be checked without a Docker engine or a Kubernetes cluster.

- the Kubernetes manifests parse as YAML and carry the fields the API server requires, and their parts
  refer to each other correctly (selector = template labels, Service -> pod port, Ingress -> Service);
- the Dockerfile runs as a non-root user, has a HEALTHCHECK on Streamlit's health endpoint, and copies
  only files that exist;
- nginx accepts the configuration that ``deploy/replicas.sh`` writes (``nginx -t`` in a temp prefix), and
  with it asks a replica (a stand-in) for a versioned page file once, for an unversioned one every time;
- the shell scripts parse (``bash -n``).
"""

from __future__ import annotations

import gzip
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
import yaml

from bench.replicas_proc import find_nginx, free_port_block

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
HEALTH = "/_stcore/health"


def manifests() -> dict[str, dict[str, Any]]:
    """Every document of deploy/k8s/*.yaml, by kind."""
    found: dict[str, dict[str, Any]] = {}
    for path in sorted((DEPLOY / "k8s").glob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text()):
            assert isinstance(document, dict), f"{path.name}: not a mapping"
            for required in ("apiVersion", "kind", "metadata"):
                assert required in document, f"{path.name}: no {required}"
            assert re.fullmatch(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?", document["metadata"]["name"])
            found[document["kind"]] = document
    return found


def test_manifests_have_the_three_kinds_with_their_api_versions() -> None:
    kinds = {kind: doc["apiVersion"] for kind, doc in manifests().items()}
    assert kinds == {"Deployment": "apps/v1", "Service": "v1", "Ingress": "networking.k8s.io/v1"}


def test_deployment_selects_its_pods_and_probes_streamlit_health() -> None:
    deployment = manifests()["Deployment"]["spec"]
    labels = deployment["template"]["metadata"]["labels"]
    assert deployment["selector"]["matchLabels"].items() <= labels.items()
    assert deployment["replicas"] >= 2
    (container,) = deployment["template"]["spec"]["containers"]
    assert container["name"] and container["image"]
    ports = {port.get("name"): port["containerPort"] for port in container["ports"]}
    assert all(isinstance(number, int) and 0 < number < 65536 for number in ports.values())
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        get = container[probe]["httpGet"]
        assert get["path"] == HEALTH
        assert get["port"] in ports or get["port"] in ports.values()
    env = {item["name"]: item for item in container["env"]}
    secret = env["STREAMLIT_SERVER_COOKIE_SECRET"]["valueFrom"]["secretKeyRef"]
    assert secret["name"] and secret["key"]
    memory = env["EMBEDVIZ_MEMORY_LIMIT_MB"]["valueFrom"]["resourceFieldRef"]
    assert memory["resource"] == "limits.memory" and memory["divisor"] == "1Mi"
    assert container["resources"]["limits"]["memory"]


def test_service_and_ingress_point_at_the_pods() -> None:
    found = manifests()
    labels = found["Deployment"]["spec"]["template"]["metadata"]["labels"]
    (container,) = found["Deployment"]["spec"]["template"]["spec"]["containers"]
    service = found["Service"]
    assert service["spec"]["selector"].items() <= labels.items()
    port_names = {port.get("name") for port in container["ports"]}
    assert all(port["targetPort"] in port_names for port in service["spec"]["ports"])
    ingress = found["Ingress"]
    assert ingress["metadata"]["annotations"]["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    backends = [
        path["backend"]["service"] for rule in ingress["spec"]["rules"] for path in rule["http"]["paths"]
    ]
    service_ports = {port["name"] for port in service["spec"]["ports"]}
    for backend in backends:
        assert backend["name"] == service["metadata"]["name"]
        assert backend["port"]["name"] in service_ports


def test_dockerfile_runs_as_non_root_with_a_health_check() -> None:
    lines = [line.strip() for line in (DEPLOY / "Dockerfile").read_text().splitlines()]
    instructions = [line for line in lines if line and not line.startswith("#")]
    assert instructions[0].startswith("FROM python:3.11-slim")
    users = [line.split()[1] for line in instructions if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0")
    health = [line for line in instructions if line.startswith("HEALTHCHECK")]
    assert health and HEALTH in (DEPLOY / "Dockerfile").read_text().split("HEALTHCHECK", 1)[1]
    for line in instructions:
        if line.startswith("COPY "):
            sources = [word for word in line.split()[1:-1] if not word.startswith("--")]
            assert all((ROOT / source).exists() for source in sources), line


@pytest.fixture
def nginx() -> str:
    found = find_nginx()
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("nginx is required: apt-get install -y nginx")
        pytest.skip("nginx is not installed")
    return found


def test_nginx_accepts_the_generated_config(nginx: str, tmp_path: Path) -> None:
    env = {**os.environ, "REPLICAS": "4", "PORT_BASE": "59001", "LISTEN": "127.0.0.1:59000"}
    subprocess.run(["bash", str(DEPLOY / "replicas.sh"), "--config-only", str(tmp_path)], env=env, check=True)
    config = (tmp_path / "nginx.conf").read_text()
    assert "@" not in re.sub(r"#.*", "", config), "a placeholder was left"
    servers = re.findall(r"server 127\.0\.0\.1:(\d+) max_fails", config)
    assert servers == ["59001", "59002", "59003", "59004"]
    test = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-e", str(tmp_path / "e.log")],
        capture_output=True,
        text=True,
    )
    assert test.returncode == 0, test.stderr
    assert "test is successful" in test.stderr


@pytest.mark.parametrize("script", sorted(DEPLOY.glob("*.sh")), ids=lambda path: path.name)
def test_shell_scripts_parse(script: Path) -> None:
    result = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


class _Upstream(BaseHTTPRequestHandler):
    """A stand-in replica: a versioned file (cacheable, gzip) and an unversioned one (no-cache)."""

    body = b"console.log('a page file');\n" * 200
    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        type(self).requests.append(self.path)
        packed = gzip.compress(self.body)
        versioned = self.path.startswith("/static/")
        self.send_response(200)
        self.send_header("Content-Type", "text/javascript")
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Cache-Control", "public, max-age=31536000, immutable" if versioned else "no-cache")
        self.send_header("Content-Length", str(len(packed)))
        self.end_headers()
        self.wfile.write(packed)

    def log_message(self, *args: Any) -> None:
        pass


def test_nginx_asks_a_replica_for_a_versioned_file_once(nginx: str) -> None:
    # Not pytest's tmp_path: under root nginx's workers run as `nobody`, who cannot enter that 0700 tree.
    tmp_path = Path(tempfile.mkdtemp(prefix="embedviz-nginx-"))
    tmp_path.chmod(0o755)
    upstream = ThreadingHTTPServer(("127.0.0.1", 0), _Upstream)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    listen = free_port_block(1)
    env = {
        **os.environ,
        "REPLICAS": "1",
        "PORT_BASE": str(upstream.server_address[1]),
        "LISTEN": f"127.0.0.1:{listen}",
    }
    subprocess.run(["bash", str(DEPLOY / "replicas.sh"), "--config-only", str(tmp_path)], env=env, check=True)
    proxy = subprocess.Popen(
        [nginx, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-e", str(tmp_path / "e.log")]
    )
    try:
        url = f"http://127.0.0.1:{listen}"
        for _ in range(100):  # nginx starts in a few ms; polled, bounded
            try:
                urllib.request.urlopen(url + "/static/js/a.1234.js", timeout=2).read()
                break
            except OSError:
                time.sleep(0.05)
        for encoding in ("gzip, deflate, br, zstd", "gzip", "identity"):
            for path in ("/static/js/a.1234.js", "/_stcore/bidi-components/x/host.js"):
                request = urllib.request.Request(url + path, headers={"Accept-Encoding": encoding})
                with urllib.request.urlopen(request, timeout=5) as answer:
                    raw = answer.read()
                    packed = answer.headers.get("Content-Encoding") == "gzip"
                assert (gzip.decompress(raw) if packed else raw) == _Upstream.body
                assert packed == (encoding != "identity")  # gunzip for a client without gzip
        # the versioned file: once (the first request above); the unversioned one: every time
        assert _Upstream.requests.count("/static/js/a.1234.js") == 1
        assert _Upstream.requests.count("/_stcore/bidi-components/x/host.js") == 3
    finally:
        proxy.terminate()
        proxy.wait(10)
        upstream.shutdown()
        shutil.rmtree(tmp_path, ignore_errors=True)
