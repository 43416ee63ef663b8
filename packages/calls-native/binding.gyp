{
  "targets": [
    {
      "target_name": "tgvoip_native",
      # Every .cc under native/ except the C++ unit tests is part of the addon, so adding a
      # file needs no edit here.
      "sources": ["<!@(find native -name '*.cc' -not -path 'native/test/*' | sort)"],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "native"
      ],
      # Only the module's registration is exported (NAPI_MODULE_INIT marks it), so the
      # engine's symbols cannot clash with another addon's.
      "cflags_cc": ["-std=c++17", "-fexceptions", "-fvisibility=hidden", "-O2", "-Wall", "-Wextra", "<!@(node scripts/opus-flags.mjs cflags)"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++1y", "-std=gnu++17"],
      "libraries": ["<!@(node scripts/opus-flags.mjs libs)"],
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "conditions": [
        ["OS=='mac'", {
          # On macOS node-gyp takes the compiler flags from xcode_settings, not cflags_cc.
          "xcode_settings": {
            "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
            "CLANG_CXX_LIBRARY": "libc++",
            # node-addon-api reports JS errors as C++ exceptions.
            "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
            "GCC_SYMBOLS_PRIVATE_EXTERN": "YES",
            "GCC_OPTIMIZATION_LEVEL": "2",
            # Node 22 runs on macOS 11 and newer; the engine's cache-line-aligned rings need
            # C++17 aligned new, which libc++ provides from macOS 10.13 on.
            "MACOSX_DEPLOYMENT_TARGET": "11.0",
            "OTHER_CPLUSPLUSFLAGS": ["-fvisibility=hidden", "-Wall", "-Wextra", "<!@(node scripts/opus-flags.mjs cflags)"]
          }
        }]
      ]
    }
  ]
}
