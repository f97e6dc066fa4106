# -*- Python -*-
import os
import sys

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "DPS"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.dps_obj_root, "test")
config.excludes = ["CMakeLists.txt", "README.md", "lit.cfg.py", "lit.site.cfg.py",
                   "Inputs", "reference"]

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%python", sys.executable))
config.substitutions.append(("%dps_src_root", config.dps_src_root))
config.substitutions.append(("%dps_lib_dir", config.dps_lib_dir))
config.substitutions.append(("%dps_tools_dir", config.dps_tools_dir))
config.substitutions.append(("%llvm_lib_dir", config.llvm_lib_dir))

llvm_config.with_system_environment(["HOME", "INCLUDE", "LIB", "TMP", "TEMP"])
# dps-train caches compiled kernels; the tests keep theirs in the build tree.
config.environment["XDG_CACHE_HOME"] = os.path.join(config.test_exec_root, "kernel-cache")
llvm_config.use_default_substitutions()

tool_dirs = [config.dps_tools_dir, config.llvm_tools_dir]
tools = ["dps-opt", "dps-translate", "dps-gradcheck", "dps-replay", "dps-rungcheck", "dps-train", "dps-run", "mlir-runner", "mlir-translate", "llc", "llvm-nm", "not", "count", "dps-bench", "dps-onnx-test"]
llvm_config.add_tool_substitutions(tools, tool_dirs)
llvm_config.with_environment("PATH", config.dps_tools_dir, append_path=True)

# The CPU's AVX512-BF16 and AMX-BF16, for the tests that run vdpbf16ps and
# AMX tile kernels.
try:
    with open("/proc/cpuinfo") as cpuinfo:
        flags = cpuinfo.read()
        if " avx512_bf16" in flags:
            config.available_features.add("avx512bf16")
        if " amx_bf16" in flags and " amx_tile" in flags:
            config.available_features.add("amx")
except OSError:
    pass

# ptxas (CUDA toolkit), for the tests that make cubins.
import shutil
_cuda_dirs = [os.environ.get("CUDA_HOME", ""), "/usr/local/cuda"]
_ptxas = shutil.which("ptxas") or next(
    (os.path.join(d, "bin", "ptxas") for d in _cuda_dirs
     if d and os.access(os.path.join(d, "bin", "ptxas"), os.X_OK)), None)
if _ptxas:
    config.available_features.add("ptxas")
    config.substitutions.append(("%ptxas", _ptxas))

# The runtime's CUDA backend (built where a CUDA toolkit was found).
if config.dps_cuda_backend:
    config.available_features.add("cuda-backend")
config.substitutions.append(
    ("%{cuda-prefix}", "BACKEND" if config.dps_cuda_backend else "NOBACKEND"))

# ONNX import (built where libonnx-dev was found) and ONNX's node tests.
if config.dps_onnx:
    config.available_features.add("onnx")
if os.path.isdir("/usr/share/libonnx-testdata/data/node"):
    config.available_features.add("onnx-testdata")

# PyTorch (python3-torch), for the tests that export models with it.
import subprocess
try:
    if subprocess.run(["/usr/bin/python3", "-c", "import torch, onnx"],
                      capture_output=True, timeout=120).returncode == 0:
        config.available_features.add("torch")
except (OSError, subprocess.TimeoutExpired):
    pass
