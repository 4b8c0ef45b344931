{
  "targets": [
    {
      "target_name": "flat_scan",
      "sources": ["native/flat-scan.c", "native/folder-check.c"],
      "cflags": ["-O3", "-std=c11", "-Wall", "-Wextra", "-fno-fast-math"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
