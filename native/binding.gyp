{
  "targets": [
    {
      "target_name": "flowtap_native",
      "sources": ["flowtap_native.c", "background_threads.cc"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "cflags_cc": ["-O2", "-std=c++17", "-Wall", "-Wextra", "-Wno-unused-parameter"]
    }
  ]
}
