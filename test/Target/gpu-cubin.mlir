// REQUIRES: ptxas
// RUN: dps-translate --dps-to-cubin %dps_src_root/examples/mlp.mlir -o %t.cubin
// RUN: od -A n -t x1 -N 4 %t.cubin | FileCheck %s
// RUN: dps-translate --dps-to-cubin --dps-gpu-chip=sm_89 --dps-gpu-features=+ptx81 %dps_src_root/examples/cnn.mlir -o %t.cnn.cubin
// RUN: od -A n -t x1 -N 4 %t.cnn.cubin | FileCheck %s

// ptxas accepts the PTX: a cubin (an ELF file) for sm_90 and for sm_89.
// CHECK: 7f 45 4c 46
