//===- GPUTranslation.cpp - dps-translate --dps-to-ptx / --dps-to-cubin ---===//
//
// Compiles a dps model with dps-lower-to-nvvm and writes its kernels: the
// PTX text of the model's gpu.module, or the cubin ptxas makes of it.
//
//===----------------------------------------------------------------------===//
#include "GPUOptions.h"

#include "dps/Target/Translations.h"
#include "dps/InitAllDPS.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"

using namespace mlir;

static llvm::cl::opt<std::string>
    gpuChip("dps-gpu-chip",
            llvm::cl::desc("GPU to compile kernels for (default sm_90)"),
            llvm::cl::init("sm_90"));
static llvm::cl::opt<std::string>
    gpuFeatures("dps-gpu-features",
                llvm::cl::desc("PTX features (default +ptx80)"),
                llvm::cl::init("+ptx80"));
static llvm::cl::opt<std::string> gpuToolkit(
    "dps-gpu-toolkit",
    llvm::cl::desc("CUDA toolkit whose ptxas makes cubins (default: ptxas "
                   "on PATH, else $CUDA_HOME, else /usr/local/cuda)"),
    llvm::cl::init(""));

static llvm::cl::opt<bool> gpuTarget(
    "dps-gpu",
    llvm::cl::desc("With --dps-to-manifest: also name each kernel's GPU "
                   "kernels and launch shapes; with --dps-to-llvmir and "
                   "--dps-to-object: the host code of the GPU build, its "
                   "cubin embedded (needs ptxas)"),
    llvm::cl::init(false));

bool dps::gpuTargetRequested() { return gpuTarget; }
std::string dps::gpuChipName() { return gpuChip; }

/// The toolkit directory holding bin/ptxas, or "" when ptxas is on PATH;
/// none when there is no ptxas at all.
static std::optional<std::string> findToolkit() {
  if (!gpuToolkit.empty()) {
    SmallString<128> ptxas(gpuToolkit.getValue());
    llvm::sys::path::append(ptxas, "bin", "ptxas");
    if (!llvm::sys::fs::can_execute(ptxas))
      return std::nullopt;
    return gpuToolkit.getValue();
  }
  if (llvm::sys::findProgramByName("ptxas"))
    return std::string();
  SmallVector<std::string> candidates;
  if (const char *home = std::getenv("CUDA_HOME"))
    candidates.push_back(home);
  candidates.push_back("/usr/local/cuda");
  for (const std::string &dir : candidates) {
    SmallString<128> ptxas(dir);
    llvm::sys::path::append(ptxas, "bin", "ptxas");
    if (llvm::sys::fs::can_execute(ptxas))
      return dir;
  }
  return std::nullopt;
}

void dps::setGPUPipelineOptions(LowerToNVVMOptions &options,
                                llvm::StringRef format,
                                llvm::StringRef toolkit) {
  options.chip = gpuChip;
  options.features = gpuFeatures;
  options.format = format.str();
  options.toolkit = toolkit.str();
}

LogicalResult dps::lowerForGPU(ModuleOp module, llvm::StringRef format) {
  if (!module.getOps<gpu::BinaryOp>().empty())
    return success();
  std::optional<std::string> toolkit =
      format == "isa" ? std::string() : findToolkit();
  if (!toolkit) {
    if (!gpuToolkit.empty())
      return module.emitError()
             << "no executable bin/ptxas in --dps-gpu-toolkit=" << gpuToolkit;
    return module.emitError()
           << "a cubin needs ptxas from the CUDA toolkit: none on PATH, in "
              "$CUDA_HOME or /usr/local/cuda (pass --dps-gpu-toolkit=DIR, or "
              "use --dps-to-ptx)";
  }
  // A failing step (ptxas, say) names the op it failed on: not the whole
  // lowered module.
  module.getContext()->printOpOnDiagnostic(false);
  PassManager pm(module.getContext());
  LowerToNVVMOptions options;
  setGPUPipelineOptions(options, format, *toolkit);
  buildLowerToNVVMPipeline(pm, options);
  return pm.run(module);
}

/// Lowers `module` for the GPU (unless it holds a gpu.binary already) and
/// writes the binary's object: PTX for `isa`, a cubin for `bin`.
static LogicalResult writeGPUObject(ModuleOp module, raw_ostream &os,
                                    llvm::StringRef format) {
  if (failed(dps::lowerForGPU(module, format)))
    return failure();
  auto binaries = llvm::to_vector(module.getOps<gpu::BinaryOp>());
  if (binaries.size() != 1)
    return module.emitError() << "expected one gpu.binary, found "
                              << binaries.size();
  for (Attribute attr : binaries.front().getObjects()) {
    auto object = cast<gpu::ObjectAttr>(attr);
    bool text = object.getFormat() == gpu::CompilationTarget::Assembly;
    if (text != (format == "isa"))
      return binaries.front().emitError()
             << "the binary holds " << (text ? "PTX" : "a binary")
             << ", not what was asked for";
    os << object.getObject().getValue();
  }
  return success();
}

static void registerDialects(DialectRegistry &registry) {
  registerAllDialects(registry);
  registerAllExtensions(registry);
  dps::registerAllDialects(registry);
  registerAllToLLVMIRTranslations(registry);
}

void mlir::dps::registerGPUTranslations() {
  TranslateFromMLIRRegistration toPTX(
      "dps-to-ptx",
      "Compile a dps model's kernels for NVIDIA GPUs and write their PTX",
      [](ModuleOp module, raw_ostream &os) {
        return writeGPUObject(module, os, "isa");
      },
      registerDialects);
  TranslateFromMLIRRegistration toCubin(
      "dps-to-cubin",
      "Compile a dps model's kernels for NVIDIA GPUs into a cubin (needs "
      "ptxas)",
      [](ModuleOp module, raw_ostream &os) {
        return writeGPUObject(module, os, "bin");
      },
      registerDialects);
}
