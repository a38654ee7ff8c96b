"""Helper run by LibreOffice's own Python (Debian: ``/usr/bin/python3`` with python3-uno).

Not imported by vanban: :mod:`generator.convert.warm` starts it as a separate
program. It connects to the LibreOffice listening on the pipe named in argv[1],
prints ``ready``, then converts one document per line read from stdin:
``source<TAB>target<TAB>filter-data-as-JSON`` → ``ok`` or ``error <reason>``.
When stdin closes (vanban ended, however it ended) it closes LibreOffice too.
"""

import contextlib
import json
import sys
import time


def _connect(pipe):
    import uno

    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            break
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
    return context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)


def _property(name, value):
    from com.sun.star.beans import PropertyValue

    prop = PropertyValue()
    prop.Name, prop.Value = name, value
    return prop


def _convert(desktop, source, target, filter_data):
    import uno

    document = desktop.loadComponentFromURL(
        uno.systemPathToFileUrl(source),
        "_blank",
        0,
        (_property("Hidden", True), _property("ReadOnly", True)),
    )
    try:
        options = tuple(_property(key, value) for key, value in filter_data.items())
        arguments = (
            _property("FilterName", "writer_pdf_Export"),
            _property("FilterData", uno.Any("[]com.sun.star.beans.PropertyValue", options)),
        )
        uno.invoke(document, "storeToURL", (uno.systemPathToFileUrl(target), arguments))
    finally:
        document.close(True)


def main():
    try:
        desktop = _connect(sys.argv[1])
    except Exception as error:
        print(f"error {error!r}".replace("\n", " "), flush=True)
        return
    print("ready", flush=True)
    for line in sys.stdin:
        try:
            source, target, options = line.rstrip("\n").split("\t")
            _convert(desktop, source, target, json.loads(options))
            print("ok", flush=True)
        except Exception as error:
            print(f"error {error!r}".replace("\n", " "), flush=True)
    with contextlib.suppress(Exception):
        desktop.terminate()


if __name__ == "__main__":
    main()
