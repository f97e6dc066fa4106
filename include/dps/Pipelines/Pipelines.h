//===- Pipelines.h - dps's registered pass pipelines ------------*- C++ -*-===//
#ifndef DPS_PIPELINES_PIPELINES_H
#define DPS_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassOptions.h"

#include <cstdint>

namespace mlir {
class OpPassManager;
namespace dps {

/// Whether bf16 contractions should use vdpbf16ps on the CPU this runs on:
/// it has AVX512-BF16 and the instruction beats f32 FMAs there (AMD Zen 4
/// and later; not Intel's cores, where it issues at half the FMA rate).
/// The environment variable DPS_BF16_DOT=1|0 overrides it.
bool hostPrefersBF16Dot();

/// Whether bf16 contractions should use AMX tiles on the CPU this runs on:
/// it has AMX-BF16 and the operating system grants this process the tile
/// registers (asked here: kernels compiled with AMX need that permission in
/// the process that runs them, see dps::rt::requestAMXPermission). The
/// environment variable DPS_AMX=1|0 overrides it.
bool hostSupportsAMX();

/// Whether LLVM compiles f32 -> bf16 truncations on the CPU this runs on to
/// an instruction (vcvtneps2bf16: AVX512-BF16 with AVX512-VL, or
/// AVX-NE-CONVERT). Elsewhere they would be calls of compiler-rt's
/// __truncsfbf2, and the pipeline writes them as integer code instead
/// (dps-expand-bf16-casts). DPS_BF16_CASTS=0 in the environment forces the
/// integer code.
bool hostHasBF16Casts();

/// Whether the CPU this runs on has AVX-512 (32 vector registers of 16
/// floats): the contractions' register tiles are 8 x 32 there, 6 x 16 with
/// AVX2's 16 registers of 8 (an 8 x 32 tile would spill).
bool hostHasAVX512();

/// The register blocking for a CPU's vector registers: AVX-512's (32 of 16
/// floats) or AVX2's (16 of 8). The defaults of the options below for this
/// host, and `dps-translate --dps-cpu`'s for its target.
struct RegisterBlocking {
  int64_t tileRows, tileCols, transposeBlock;
};
constexpr RegisterBlocking registerBlocking(bool avx512) {
  return avx512 ? RegisterBlocking{8, 32, 16} : RegisterBlocking{6, 16, 8};
}

/// Options of `dps-lower-to-llvm`.
struct LowerToLLVMOptions : public PassPipelineOptions<LowerToLLVMOptions> {
  PassOptions::Option<bool> emitCInterface{
      *this, "emit-c-interface",
      llvm::cl::desc("Give every kernel a C interface (_mlir_ciface_<name>)"),
      llvm::cl::init(true)};
  PassOptions::Option<bool> vectorize{
      *this, "vectorize",
      llvm::cl::desc("Register-tile and vectorize the contractions "
                     "(dps-vectorize-contractions); off gives scalar loops"),
      llvm::cl::init(true)};
  PassOptions::Option<bool> openmp{
      *this, "openmp",
      llvm::cl::desc("Share each contraction's row tiles among OpenMP "
                     "threads (the kernels then call libomp)"),
      llvm::cl::init(true)};
  PassOptions::Option<bool> bf16Dot{
      *this, "bf16-dot",
      llvm::cl::desc("bf16 contractions use AVX512-BF16 vdpbf16ps (default: "
                     "where this host has it and it beats f32 FMAs)"),
      llvm::cl::init(hostPrefersBF16Dot())};
  PassOptions::Option<bool> amx{
      *this, "amx",
      llvm::cl::desc("bf16 contractions with 16-column multiples run on AMX "
                     "tiles (tdpbf16ps) (default: where this host has "
                     "AMX-BF16 and may use it)"),
      llvm::cl::init(hostSupportsAMX())};
  PassOptions::Option<int64_t> tileRows{
      *this, "tile-rows",
      llvm::cl::desc("Rows of C per contraction register tile (default: 8 "
                     "with AVX-512, else 6)"),
      llvm::cl::init(registerBlocking(hostHasAVX512()).tileRows)};
  PassOptions::Option<int64_t> tileCols{
      *this, "tile-cols",
      llvm::cl::desc("Columns of C per contraction register tile, a multiple "
                     "of 16 (default: 32 with AVX-512, else 16)"),
      llvm::cl::init(registerBlocking(hostHasAVX512()).tileCols)};
  PassOptions::Option<int64_t> transposeBlock{
      *this, "transpose-block",
      llvm::cl::desc(
          "Side of the register blocks in which operands read "
          "transposed are copied: 16 (one shuffle per block) or 8 "
          "(f32 blocks as AVX2's 24 two-source shuffles) (default: 16 "
          "with AVX-512, else 8)"),
      llvm::cl::init(registerBlocking(hostHasAVX512()).transposeBlock)};
  PassOptions::Option<bool> nativeBF16Casts{
      *this, "native-bf16-casts",
      llvm::cl::desc("f32 <-> bf16 casts compile to the CPU's conversion "
                     "instructions; off: integer code (dps-expand-bf16-casts) "
                     "(default: where this host has AVX512-BF16)"),
      llvm::cl::init(hostHasBF16Casts())};
};

/// dps (a forward model and its dps.train_step) down to the LLVM dialect:
/// autodiff, dps-to-linalg, kernel finalisation, one-shot bufferization
/// (kernels update their buffer arguments in place), loops, LLVM.
void buildLowerToLLVMPipeline(OpPassManager &pm,
                              const LowerToLLVMOptions &options);

/// Where the kernels run. Their ABI differs in one point: on the CPU, a
/// rung's bf16 copies of dense weight matrices are VNNI-packed
/// (dps-specialize-precision{vnni-copies}), as its vdpbf16ps tiles read
/// them; the GPU's tensor-core path reads them row-major.
enum class KernelTarget { CPU, GPU };

/// The kernels' ABI on `target`, as a manifest describes it: dps-autodiff,
/// then one gradient kernel per rung.
void addKernelABIPasses(OpPassManager &pm, KernelTarget target);

/// The front half both targets share: the ABI passes, dps-to-linalg (f8
/// casts as arith.truncf/extf with `nativeF8Casts`; convolutions over
/// im2col matrices with `im2colConvolutions`, as tensor cores want them),
/// kernel finalisation.
void addKernelDerivationPasses(OpPassManager &pm, KernelTarget target,
                               bool nativeF8Casts, bool im2colConvolutions);

/// One-shot bufferization with the kernel buffer ABI (kernels write their
/// outputs into their argument buffers; C interfaces with
/// `emitCInterface`), deallocations.
void addKernelBufferizationPasses(OpPassManager &pm, bool emitCInterface,
                                  bool streamMasterWeights = false);

/// The back half of `dps-lower-to-llvm`: kernels on linalg/tensors (dps
/// ops already lowered) to the LLVM dialect: vectorized contractions,
/// bufferization into the kernels' buffer arguments, loops, LLVM.
void buildKernelCodegenPipeline(OpPassManager &pm,
                                const LowerToLLVMOptions &options);

/// The CPU path's tail: linalg (on buffers) to loops, then the LLVM
/// dialect; scf.parallel loops become OpenMP ones with `openmp`.
/// `amx` lowers AMX tile ops (dps-lower-amx) as well; without
/// `nativeBF16Casts`, bf16 casts become integer code (dps-expand-bf16-casts).
void buildLoopsToLLVMPipeline(OpPassManager &pm, bool openmp, bool amx,
                              bool nativeBF16Casts);

/// Options of `dps-lower-to-nvvm`.
struct LowerToNVVMOptions : public PassPipelineOptions<LowerToNVVMOptions> {
  PassOptions::Option<std::string> chip{
      *this, "chip", llvm::cl::desc("The GPU to compile for (sm_NN)"),
      llvm::cl::init("sm_90")};
  PassOptions::Option<std::string> features{
      *this, "features",
      llvm::cl::desc("PTX features, e.g. +ptx80 (sm_90 needs PTX 8.0)"),
      llvm::cl::init("+ptx80")};
  PassOptions::Option<std::string> format{
      *this, "format",
      llvm::cl::desc("What gpu.binary holds: isa (PTX text), bin (a cubin; "
                     "needs ptxas) or fatbin (needs ptxas and fatbinary)"),
      llvm::cl::init("isa")};
  PassOptions::Option<std::string> toolkit{
      *this, "toolkit",
      llvm::cl::desc("The CUDA toolkit holding ptxas (default: ptxas on "
                     "PATH); only bin and fatbin need it"),
      llvm::cl::init("")};
  PassOptions::Option<int> optLevel{
      *this, "opt-level", llvm::cl::desc("Optimization level of the PTX"),
      llvm::cl::init(3)};
  PassOptions::Option<bool> nativeF8Casts{
      *this, "native-f8-casts",
      llvm::cl::desc("f8 casts as cvt instructions (off: integer code, as "
                     "on the CPU)"),
      llvm::cl::init(true)};
};

/// dps down to host code in the LLVM dialect that launches GPU kernels,
/// and a `gpu.binary` of the kernels: the same front half as the CPU path
/// (one kernel set per rung), then tensor-core contractions, every other op
/// as thread-per-element launches, NVVM, PTX (or a cubin).
void buildLowerToNVVMPipeline(OpPassManager &pm,
                              const LowerToNVVMOptions &options);

/// The front half of `dps-lower-to-nvvm`: kernels mapped to gpu.launch ops
/// on device buffers, before outlining.
void buildMapToGPUPipeline(OpPassManager &pm,
                           const LowerToNVVMOptions &options);

/// For tests without a GPU: `dps-map-to-gpu` for a chip without tensor
/// cores and with f8 as integer code, every launch run thread by thread on
/// the CPU, then the CPU path's loops-to-LLVM tail. The numbers are those of
/// the GPU kernels but for the tensor-core contractions and f8 cvt.
void buildEmulateGPUPipeline(OpPassManager &pm);

/// Registers `dps-lower-to-llvm`, `dps-kernels-to-llvm`,
/// `dps-lower-to-nvvm`, `dps-map-to-gpu` and `dps-emulate-gpu-on-cpu`.
void registerPipelines();

} // namespace dps
} // namespace mlir

#endif // DPS_PIPELINES_PIPELINES_H
