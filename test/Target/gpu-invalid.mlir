// RUN: not dps-translate --dps-to-ptx %s 2>&1 | FileCheck %s --check-prefix=MALFORMED
// RUN: not dps-translate --dps-to-ptx --dps-gpu-chip=sm_80 %dps_src_root/examples/mlp.mlir 2>&1 | FileCheck %s --check-prefix=AMPERE
// RUN: not dps-translate --dps-to-ptx --dps-gpu-chip=sm_89 --dps-gpu-features=+ptx78 %dps_src_root/examples/mlp.mlir 2>&1 | FileCheck %s --check-prefix=PTX
// RUN: not dps-translate --dps-to-ptx --dps-gpu-chip=gfx90a %dps_src_root/examples/mlp.mlir 2>&1 | FileCheck %s --check-prefix=CHIP
// RUN: not dps-translate --dps-to-cubin --dps-gpu-toolkit=%t.nowhere %dps_src_root/examples/mlp.mlir -o %t.cubin 2>&1 | FileCheck %s --check-prefix=TOOLKIT

// A malformed model is a parse error.
// MALFORMED: gpu-invalid.mlir:[[@LINE+2]]:{{[0-9]+}}: error: expected ','
func.func @broken(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %y = dps.dense %x : tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}

// The f8 rung needs cvt to e4m3 (sm_89+); on an A100 it is a diagnostic,
// not a crash. (A ladder without f8 compiles for sm_80.)
// AMPERE: error: f8 conversions on the GPU need sm_89 or newer (chip is 'sm_80')

// PTX: error: f8 conversions for sm_89 need PTX 8.1 or newer (features '+ptx78')

// CHIP: error: unknown GPU chip 'gfx90a' (expected sm_NN, e.g. sm_90)

// TOOLKIT: error: no executable bin/ptxas in --dps-gpu-toolkit={{.*}}nowhere
