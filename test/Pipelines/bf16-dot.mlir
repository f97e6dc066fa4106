// bf16 contractions on an AVX512-BF16 target: with bf16-dot the register
// tile's inner loop is vdpbf16ps on interleaved (k, k+1) pairs of B and
// broadcast pairs of A; without it (the default on Intel cores, or a target
// without the feature) the same kernel falls back to f32 FMAs on widened
// bf16 values, and no AVX512-BF16 instruction is emitted. With amx (the
// default where the host has AMX-BF16) the kernel runs on AMX tiles: B's
// rows interleaved in pairs once (vpermt2w/vpunpck), then per 32 x 32 block
// of C zeroed tiles (the product's zero fill is gone) and four tdpbf16ps per
// step of 32 in k, the tiles configured once.
// RUN: dps-opt %s --convert-dps-to-linalg --dps-finalize-kernels --canonicalize --cse \
// RUN:   --dps-kernels-to-llvm="bf16-dot=true amx=false" | mlir-translate --mlir-to-llvmir \
// RUN:   | llc -O3 -mtriple=x86_64-unknown-linux-gnu -mcpu=znver4 | FileCheck %s --check-prefix=DOT
// RUN: dps-opt %s --convert-dps-to-linalg --dps-finalize-kernels --canonicalize --cse \
// RUN:   --dps-kernels-to-llvm="bf16-dot=false amx=false" | mlir-translate --mlir-to-llvmir \
// RUN:   | llc -O3 -mtriple=x86_64-unknown-linux-gnu -mcpu=skylake-avx512 | FileCheck %s --check-prefix=FMA
// RUN: dps-opt %s --convert-dps-to-linalg --dps-finalize-kernels --canonicalize --cse \
// RUN:   --dps-kernels-to-llvm="amx=true openmp=false" | mlir-translate --mlir-to-llvmir \
// RUN:   | llc -O3 -mtriple=x86_64-unknown-linux-gnu -mcpu=sapphirerapids | FileCheck %s --check-prefix=AMX

// DOT-LABEL: bench:
// DOT: vpermt2w
// DOT-COUNT-16: vdpbf16ps
// FMA-LABEL: bench:
// FMA-NOT: vdpbf16ps
// FMA: vfmadd231ps
// FMA-NOT: vdpbf16ps
// AMX-LABEL: bench:
// AMX: ldtilecfg
// AMX: tilestored
// AMX-COUNT-4: tilezero
// AMX: tileloadd
// AMX-COUNT-4: tdpbf16ps
// AMX: tilerelease
func.func @bench(%a: tensor<64x96xbf16>, %b: tensor<96x64xbf16>,
                 %c: tensor<64x64xbf16>) -> tensor<64x64xbf16>
    attributes {dps.kernel = #dps.kernel<grad>} {
  %p = dps.matmul %a, %b : tensor<64x96xbf16>, tensor<96x64xbf16>
  %r = dps.add %c, %p : tensor<64x64xbf16>
  return %r : tensor<64x64xbf16>
}
