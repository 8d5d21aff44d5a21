#!/usr/bin/env python3
"""bench/tools/hostile.py PORT — the hostile cases against a running `protokollsok serve`
(loopback only): a 5,000-connection flood of idle sockets from 200 addresses, and slowloris
from 40 addresses x 50 sockets sending one byte a second. For each: how long a normal request
takes during the attack and right after it (seconds; 'fail' = no answer within 10 s)."""
import socket, sys, time, threading

PORT = int(sys.argv[1])

def get(timeout=10.0):
    t = time.time()
    try:
        s = socket.create_connection(("127.0.0.1", PORT), timeout=timeout)
        s.settimeout(max(0.1, timeout - (time.time() - t)))
        s.sendall(b"GET /api/health HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
        out = b""
        while True:
            d = s.recv(65536)
            if not d:
                break
            out += d
        s.close()
        return "%.3f" % (time.time() - t) if out.startswith(b"HTTP/1.1 200") else "fail"
    except OSError:
        return "fail"

def flood(n=5000):
    socks = []
    for i in range(n):
        s = socket.socket()
        s.setblocking(False)
        s.bind(("127.0.3.%d" % (i % 200 + 1), 0))
        try:
            s.connect(("127.0.0.1", PORT))
        except BlockingIOError:
            pass
        socks.append(s)
    during = [get() for _ in range(3)]
    for s in socks:
        s.close()
    time.sleep(0.2)
    after = [get() for _ in range(3)]
    return during, after

def slowloris(addrs=40, per=50, seconds=20):
    socks, stop = [], threading.Event()
    head = b"GET /api/health HTTP/1.1\r\nHost: a\r\nX-Slow: "
    for a in range(addrs):
        for _ in range(per):
            try:
                s = socket.socket()
                s.bind(("127.0.4.%d" % (a + 1), 0))
                s.settimeout(1)
                s.connect(("127.0.0.1", PORT))
                socks.append(s)
            except OSError:
                pass
    def drip():
        i = 0
        while not stop.is_set():
            for s in list(socks):
                try:
                    s.send(head[i:i + 1] if i < len(head) else b"a")
                except OSError:
                    socks.remove(s)
                    # a real slowloris reconnects
                    try:
                        n = socket.socket(); n.settimeout(1)
                        n.bind((s.getsockname()[0], 0)); n.connect(("127.0.0.1", PORT)); socks.append(n)
                    except OSError:
                        pass
            i += 1
            stop.wait(1.0)
    t = threading.Thread(target=drip); t.start()
    time.sleep(2)
    during = []
    for _ in range(seconds // 2):
        during.append(get())
        time.sleep(1)
    stop.set(); t.join()
    for s in socks:
        s.close()
    after = [get() for _ in range(3)]
    return during, after

d, a = flood()
print("flood 5000: during", d, "after", a)
d, a = slowloris()
ok = sum(1 for x in d if x != "fail")
print("slowloris 40x50: during %d/%d answered" % (ok, len(d)), d, "after", a)
