// RUN: dps-opt %s -dps-loops-to-llvm="openmp=false native-bf16-casts=true" | FileCheck %s --check-prefixes=CHECK,NATIVE
// RUN: dps-opt %s -dps-loops-to-llvm="openmp=false native-bf16-casts=false" | FileCheck %s --check-prefixes=CHECK,SOFT
// RUN: dps-opt %s -dps-loops-to-llvm="openmp=true" | FileCheck %s --check-prefix=OMP

// dps-loops-to-llvm is the last stage of dps-lower-to-llvm on its own (what
// scripts/profile-kernel.sh runs on loop-level IR): loops and vectors over
// buffers in, the LLVM dialect out, with the bf16 casts and OpenMP as its
// options say.

// CHECK-LABEL: llvm.func @round_rows(
// CHECK-NOT: scf.
// CHECK-NOT: memref.
// CHECK-NOT: vector.transfer
// NATIVE: llvm.fptrunc %{{.*}} : vector<16xf32> to vector<16xbf16>
// NATIVE-NOT: @__truncsfbf2
// SOFT-NOT: llvm.fptrunc
// SOFT: llvm.func weak_odr @__truncsfbf2(
// The row loop carries dps.parallel: OpenMP shares it out when asked.
// OMP: omp.parallel
// OMP: omp.wsloop
func.func @round_rows(%src: memref<?x16xf32>, %dst: memref<?x16xbf16>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %pad = arith.constant 0.0 : f32
  %rows = memref.dim %src, %c0 : memref<?x16xf32>
  scf.for %i = %c0 to %rows step %c1 {
    %v = vector.transfer_read %src[%i, %c0], %pad {in_bounds = [true]} : memref<?x16xf32>, vector<16xf32>
    %t = arith.truncf %v : vector<16xf32> to vector<16xbf16>
    vector.transfer_write %t, %dst[%i, %c0] {in_bounds = [true]} : vector<16xbf16>, memref<?x16xbf16>
  } {dps.parallel}
  return
}
