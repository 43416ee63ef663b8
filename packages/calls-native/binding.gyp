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
      "cflags_cc": ["-std=c++17", "-fexceptions", "-O2", "-Wall", "-Wextra", "<!@(node scripts/opus-flags.mjs cflags)"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++1y", "-std=gnu++17"],
      "libraries": ["<!@(node scripts/opus-flags.mjs libs)"],
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED"]
    }
  ]
}
