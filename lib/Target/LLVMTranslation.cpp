//===- LLVMTranslation.cpp - --dps-to-llvmir / --dps-to-object ------------===//
//
// Compiles a dps module (at any level: dps, partly lowered, or already in the
// LLVM dialect) to LLVM IR, or to a native object for ahead-of-time linking.
//
//===----------------------------------------------------------------------===//
#include "GPUOptions.h"

#include "dps/Target/Translations.h"
#include "dps/InitAllDPS.h"
#include "dps/Pipelines/Pipelines.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/X86TargetParser.h"

using namespace mlir;

static llvm::cl::opt<std::string>
    targetCPU("dps-cpu",
              llvm::cl::desc("CPU to compile objects for (default: this host)"),
              llvm::cl::init(""));
static llvm::cl::opt<std::string> targetFeatures(
    "dps-features",
    llvm::cl::desc("Target features of objects, e.g. +avx512bf16 (default: "
                   "this host's)"),
    llvm::cl::init(""));

static llvm::cl::opt<bool> objectOpenMP(
    "dps-openmp",
    llvm::cl::desc("Share the contractions' row tiles among OpenMP threads "
                   "(the object then needs libomp: link it with -lomp); "
                   "without it objects need only libc and libm"),
    llvm::cl::init(false));

/// Whether `module` still needs dps-lower-to-llvm: anything but LLVM-dialect
/// ops (and the module) in it.
static bool needsLowering(ModuleOp module) {
  WalkResult result = module.walk([](Operation *op) {
    if (isa<ModuleOp>(op) || isa<LLVM::LLVMDialect>(op->getDialect()))
      return WalkResult::advance();
    return WalkResult::interrupt();
  });
  return result.wasInterrupted();
}

/// Whether the object's target (--dps-cpu, --dps-features) has all of
/// `required`: the CPU's features, then those given with + or -.
static bool targetHas(llvm::ArrayRef<llvm::StringRef> required) {
  llvm::SmallVector<llvm::StringRef> features;
  if (!targetCPU.empty())
    llvm::X86::getFeaturesForCPU(targetCPU, features);
  llvm::StringRef given(targetFeatures);
  return llvm::all_of(required, [&](llvm::StringRef feature) {
    std::string plus = ("+" + feature).str(), minus = ("-" + feature).str();
    if (given.contains(minus))
      return false;
    return given.contains(plus) || llvm::is_contained(features, feature);
  });
}

/// Lowers `module` to the LLVM dialect if needed and translates it.
static std::unique_ptr<llvm::Module>
toLLVMModule(ModuleOp module, llvm::LLVMContext &llvmContext) {
  if (dps::gpuTargetRequested()) {
    // Host code launching the kernels of an embedded cubin.
    if (failed(dps::lowerForGPU(module, "bin")))
      return nullptr;
  } else if (needsLowering(module)) {
    PassManager pm(module.getContext());
    dps::LowerToLLVMOptions options;
    options.openmp = objectOpenMP;
    // The object's target's choices, as the host's defaults are made for
    // the host: vdpbf16ps and AMX tiles only where it has them (vdpbf16ps
    // only where it pays, too: the AMD cores), bf16 conversions where it has
    // the instructions, register tiles for its vector registers.
    if (!targetCPU.empty() || !targetFeatures.empty()) {
      options.bf16Dot = llvm::StringRef(targetCPU).starts_with("znver") &&
                        targetHas({"avx512bf16"});
      options.amx = targetHas({"amx-bf16", "amx-tile"});
      options.nativeBF16Casts =
          targetHas({"avx512bf16", "avx512vl"}) || targetHas({"avxneconvert"});
      dps::RegisterBlocking blocking =
          dps::registerBlocking(targetHas({"avx512f"}));
      options.tileRows = blocking.tileRows;
      options.tileCols = blocking.tileCols;
      options.transposeBlock = blocking.transposeBlock;
    }
    dps::buildLowerToLLVMPipeline(pm, options);
    if (failed(pm.run(module)))
      return nullptr;
  }
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, llvmContext);
  if (!llvmModule) {
    module.emitError() << "translation to LLVM IR failed";
    return nullptr;
  }
  if (dps::gpuTargetRequested()) {
    // Marks the object as GPU host code (docs/kernel-abi.md): the runtime
    // refuses to run it as CPU kernels, and the CPU build on a GPU.
    llvm::Constant *chip = llvm::ConstantDataArray::getString(
        llvmContext, dps::gpuChipName());
    new llvm::GlobalVariable(*llvmModule, chip->getType(), /*isConstant=*/true,
                             llvm::GlobalValue::ExternalLinkage, chip,
                             "dps_gpu_target");
  }
  return llvmModule;
}

static void registerDialects(DialectRegistry &registry) {
  registerAllDialects(registry);
  registerAllExtensions(registry);
  dps::registerAllDialects(registry);
  registerAllToLLVMIRTranslations(registry);
}

/// Adds `_mlir_<f>(void **args)` for every C interface `f`: the packed entry
/// points the runtime calls (docs/kernel-abi.md), as ExecutionEngine adds
/// them to the modules it JIT-compiles. `args` holds a pointer to each
/// argument's value.
static void addPackedEntryPoints(llvm::Module &module) {
  llvm::LLVMContext &ctx = module.getContext();
  llvm::Type *ptr = llvm::PointerType::getUnqual(ctx);
  llvm::SmallVector<llvm::Function *> interfaces;
  for (llvm::Function &f : module)
    if (!f.isDeclaration() && f.getName().starts_with("_mlir_ciface_"))
      interfaces.push_back(&f);
  for (llvm::Function *f : interfaces) {
    auto *entry = llvm::Function::Create(
        llvm::FunctionType::get(llvm::Type::getVoidTy(ctx), {ptr}, false),
        llvm::GlobalValue::ExternalLinkage, "_mlir_" + f->getName(), module);
    llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", entry));
    llvm::Value *packed = entry->getArg(0);
    llvm::SmallVector<llvm::Value *> args;
    for (auto [i, arg] : llvm::enumerate(f->args())) {
      llvm::Value *slot = b.CreateConstGEP1_64(ptr, packed, i);
      args.push_back(b.CreateLoad(arg.getType(), b.CreateLoad(ptr, slot)));
    }
    llvm::Value *result = b.CreateCall(f, args);
    if (!f->getReturnType()->isVoidTy())
      b.CreateStore(result,
                    b.CreateLoad(ptr, b.CreateConstGEP1_64(ptr, packed,
                                                           args.size())));
    b.CreateRetVoid();
  }
}

static LogicalResult writeObject(ModuleOp module, raw_ostream &os) {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule = toLLVMModule(module, llvmContext);
  if (!llvmModule)
    return failure();

  auto builder = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!builder)
    return module.emitError() << "cannot describe this host: "
                              << llvm::toString(builder.takeError());
  if (!targetCPU.empty()) {
    // That CPU's own features, not this host's (a Zen 3 host's list turns
    // AVX-512 off, which a Zen 4 object's kernels use).
    builder->setCPU(targetCPU);
    builder->getFeatures() = llvm::SubtargetFeatures();
  }
  if (!targetFeatures.empty()) {
    llvm::SubtargetFeatures features;
    features.addFeaturesVector(llvm::SmallVector<std::string>{targetFeatures});
    builder->getFeatures() = features;
  }
  builder->setCodeGenOptLevel(llvm::CodeGenOptLevel::Aggressive);
  builder->setRelocationModel(llvm::Reloc::PIC_);
  auto machine = builder->createTargetMachine();
  if (!machine)
    return module.emitError() << "cannot create a target machine: "
                              << llvm::toString(machine.takeError());
  llvmModule->setDataLayout((*machine)->createDataLayout());
  llvmModule->setTargetTriple((*machine)->getTargetTriple());
  addPackedEntryPoints(*llvmModule);
  if (llvm::Error error = mlir::makeOptimizingTransformer(
          /*optLevel=*/3, /*sizeLevel=*/0, machine->get())(llvmModule.get()))
    return module.emitError() << "cannot optimize the kernels: "
                              << llvm::toString(std::move(error));

  llvm::SmallVector<char, 0> object;
  llvm::raw_svector_ostream objectStream(object);
  llvm::legacy::PassManager codegen;
  if ((*machine)->addPassesToEmitFile(codegen, objectStream, nullptr,
                                      llvm::CodeGenFileType::ObjectFile))
    return module.emitError() << "the target cannot emit object files";
  codegen.run(*llvmModule);
  os.write(object.data(), object.size());
  return success();
}

void mlir::dps::registerLLVMTranslations() {
  TranslateFromMLIRRegistration toLLVMIR(
      "dps-to-llvmir",
      "Compile a dps module (at any level) to LLVM IR",
      [](ModuleOp module, raw_ostream &os) {
        llvm::LLVMContext llvmContext;
        std::unique_ptr<llvm::Module> llvmModule =
            toLLVMModule(module, llvmContext);
        if (!llvmModule)
          return failure();
        llvmModule->print(os, nullptr);
        return success();
      },
      registerDialects);
  TranslateFromMLIRRegistration toObject(
      "dps-to-object",
      "Compile a dps module (at any level) to a native object file",
      writeObject, registerDialects);
}
