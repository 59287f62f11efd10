{
  "targets": [
    {
      "target_name": "flowtap_native",
      "sources": ["flowtap_native.c"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"]
    }
  ]
}
