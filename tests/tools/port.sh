# port.sh — sourced by tests that stop a server and start it again on the
# same port (a sandbox that forgets its payments, a hub back after a kill).
#
# quiet_port prints a TCP port of 127.0.0.1 that is free now and lies
# below the kernel's ephemeral range: --port 0 of the tests running beside
# it and their outgoing connections take ports of that range only, so
# none can hold this one when the server comes back on it (make asan once
# saw "Address already in use" five times over 2.5 s on a --port 0 port).
quiet_port() {
	python3 - <<'PY'
import random, socket
with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
    low = int(f.read().split()[0])
for _ in range(500):
    port = random.randint(max(1024, low - 12000), low - 1)
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
    except OSError:
        continue
    finally:
        s.close()
    print(port)
    break
else:
    raise SystemExit("no free port below " + str(low))
PY
}
