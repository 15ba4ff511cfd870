import json
import os
import random
import re
import sys
import time
import traceback

from wit_world import exports


def fail_deep(n):
    if n == 0:
        raise ValueError("deep failure")
    fail_deep(n - 1)


class Run(exports.Run):
    def run(self) -> None:
        args = sys.argv
        print("argv:", args)
        mode = args[1] if len(args) > 1 else "work"
        print("env:", sorted((k, v) for k, v in os.environ.items()))
        if mode == "exit":
            code = int(args[2])
            print("exiting with", code)
            sys.stdout.flush()
            sys.exit(code)
        if mode == "raise":
            fail_deep(3)
        root = args[2] if len(args) > 2 else "/sandbox"
        os.makedirs(os.path.join(root, "a", "b"), exist_ok=True)
        with open(os.path.join(root, "a", "notes.txt"), "w") as f:
            f.write("milk 2024-01-05\nbob 2024-02-11\n")
        with open(os.path.join(root, "a", "notes.txt")) as f:
            text = f.read()
        dates = re.findall(r"(\d{4})-(\d{2})-(\d{2})", text)
        print("dates:", dates)
        os.rename(os.path.join(root, "a", "notes.txt"), os.path.join(root, "a", "b", "moved.txt"))
        for dirpath, dirnames, filenames in sorted(os.walk(root)):
            dirnames.sort()
            print("walk:", os.path.relpath(dirpath, root), sorted(filenames))
        data = {"dates": dates, "n": 3, "pi": 3.25, "ok": True, "none": None}
        with open(os.path.join(root, "out.json"), "w") as f:
            json.dump(data, f, sort_keys=True)
        with open(os.path.join(root, "out.json")) as f:
            print("json:", json.load(f))
        try:
            open(os.path.join(root, "missing.txt"))
        except FileNotFoundError as e:
            print("missing:", type(e).__name__, e.errno)
        try:
            fail_deep(2)
        except ValueError:
            print("caught:", traceback.format_exc().strip().splitlines()[-1])
        print("stat size:", os.stat(os.path.join(root, "out.json")).st_size)
        t0 = time.monotonic()
        print("time after 2020:", time.time() > 1577836800)
        time.sleep(0.01)
        print("monotonic advanced:", time.monotonic() > t0)
        r = random.Random(42)
        print("seeded:", [r.randint(0, 100) for _ in range(5)])
        print("random bytes:", len(os.urandom(16)))
        print("stderr line", file=sys.stderr)
