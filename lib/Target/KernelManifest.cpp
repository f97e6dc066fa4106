//===- KernelManifest.cpp - the kernel ABI, read off dps IR ----------------===//
#include "dps/Target/KernelManifest.h"
#include "dps/Dialect/DPS/IR/DPSOps.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/JSON.h"

#include <algorithm>

using namespace mlir;
using namespace mlir::dps;

const KernelInfo *KernelManifest::findKernel(llvm::StringRef name) const {
  for (const KernelInfo &kernel : kernels)
    if (kernel.name == name)
      return &kernel;
  return nullptr;
}

/// Human-readable names of the forward function's parameters:
/// `<layer><k>.<operand>`, e.g. `dense0.weight`, `conv2d1.bias`.
static std::vector<std::string> parameterNames(func::FuncOp forward) {
  unsigned numParams = forward.getNumArguments() - 1;
  std::vector<std::string> names(numParams);
  llvm::StringMap<unsigned> layerCounts;
  for (Operation &op : forward.getBody().front()) {
    StringRef mnemonic = op.getName().stripDialect();
    unsigned layerIndex = layerCounts[mnemonic]++;
    for (auto [operandIndex, operand] : llvm::enumerate(op.getOperands())) {
      auto arg = dyn_cast<BlockArgument>(operand);
      if (!arg || arg.getArgNumber() == 0 ||
          !names[arg.getArgNumber() - 1].empty())
        continue;
      std::string role = operandIndex == 1 ? (isa<Conv2DOp>(op) ? "filter"
                                                                : "weight")
                         : operandIndex == 2 ? "bias"
                                             : "operand" +
                                                   std::to_string(operandIndex);
      names[arg.getArgNumber() - 1] =
          (mnemonic + std::to_string(layerIndex) + "." + role).str();
    }
  }
  for (auto [index, name] : llvm::enumerate(names))
    if (name.empty())
      name = "param" + std::to_string(index);
  return names;
}

static std::string argName(ArgRole role, unsigned ordinal,
                           const std::vector<std::string> &params,
                           OptimizerAttrInterface optimizer,
                           const std::string &precision,
                           const std::vector<std::string> &rungs) {
  switch (role) {
  case ArgRole::param:
    return params[ordinal];
  case ArgRole::param_copy:
    // f8 copies are followed by their scales.
    return ordinal < params.size() ? params[ordinal]
                                   : "scale." + params[ordinal - params.size()];
  case ArgRole::amax:
    return ordinal == 0 ? "amax.scaling" : "amax.observed";
  case ArgRole::grad_acc: {
    // One set per rung: a gradient kernel's own precision; the update
    // kernel's sets, those of its rungs in order, a rung's k-th lane
    // `grad.<rung>.lane<k>.*` after its first.
    if (!precision.empty())
      return "grad." + precision + "." + params[ordinal];
    size_t set = ordinal / params.size();
    auto lane = std::count(rungs.begin(), rungs.begin() + set, rungs[set]);
    return "grad." + rungs[set] + (lane ? ".lane" + std::to_string(lane) : "") +
           "." + params[ordinal % params.size()];
  }
  case ArgRole::opt_state: {
    // Each parameter's state tensors are consecutive.
    unsigned perParam = std::max(1u, optimizer.getNumStateTensors());
    return (optimizer.getStateName(ordinal % perParam) + "." +
            params[ordinal / perParam])
        .str();
  }
  default:
    return stringifyArgRole(role).str();
  }
}

/// The rungs whose gradient sets an update kernel reads, one per set: its
/// `dps.rungs`, a suffix of the ladder in order or one rung repeated (its
/// lanes), or the whole ladder where it has none.
static FailureOr<std::vector<std::string>>
updateRungs(func::FuncOp kernel, const std::vector<std::string> &ladder) {
  Attribute attr = kernel->getAttr(DPSDialect::kRungsAttrName);
  if (!attr)
    return ladder;
  auto error = [&] {
    return kernel.emitOpError()
           << "'" << DPSDialect::kRungsAttrName
           << "' must list the rungs the update reads, a suffix of the "
              "ladder ["
           << llvm::join(ladder, ", ")
           << "] in its order or one rung of it repeated; got " << attr;
  };
  auto types = dyn_cast<ArrayAttr>(attr);
  if (!types || types.empty())
    return error();
  std::vector<std::string> rungs;
  for (Attribute element : types) {
    auto type = dyn_cast<TypeAttr>(element);
    if (!type)
      return error();
    rungs.push_back(typeName(type.getValue()));
  }
  bool lanes = rungs.size() > 1 &&
               std::all_of(rungs.begin(), rungs.end(),
                           [&](const std::string &r) { return r == rungs[0]; });
  bool suffix =
      rungs.size() <= ladder.size() &&
      std::equal(rungs.begin(), rungs.end(), ladder.end() - rungs.size());
  if (!suffix && !(lanes && llvm::is_contained(ladder, rungs[0])))
    return error();
  return rungs;
}

FailureOr<KernelManifest>
mlir::dps::buildKernelManifest(ModuleOp module, llvm::StringRef stepName) {
  SmallVector<TrainStepOp> steps;
  for (TrainStepOp step : module.getOps<TrainStepOp>())
    if (stepName.empty() || step.getSymName() == stepName)
      steps.push_back(step);
  if (steps.size() != 1)
    return emitError(module.getLoc())
           << (steps.empty() ? "no dps.train_step" : "several dps.train_steps")
           << (stepName.empty() ? "" : " named @") << stepName
           << " in the module; the manifest describes exactly one";
  TrainStepOp step = steps.front();
  func::FuncOp forward = step.getForwardFunc();
  if (!forward)
    return step.emitOpError() << "has no forward function";

  KernelManifest manifest;
  manifest.model = forward.getSymName().str();
  manifest.trainStep = step.getSymName().str();
  manifest.batch = step.getBatch();
  // The verifier of dps.train_step guarantees a tensor<?xCxf32> result.
  manifest.outputs =
      cast<RankedTensorType>(forward.getResultTypes()[0]).getDimSize(1);
  for (Type rung : step.getLadder().getRungs())
    manifest.ladder.push_back(typeName(rung));
  std::vector<std::string> params = parameterNames(forward);

  for (func::FuncOp func : module.getOps<func::FuncOp>()) {
    auto kind = func->getAttrOfType<KernelKindAttr>(DPSDialect::kKernelAttrName);
    auto owner =
        func->getAttrOfType<FlatSymbolRefAttr>(DPSDialect::kTrainStepAttrName);
    if (!kind || !owner || owner.getValue() != step.getSymName())
      continue;
    KernelInfo kernel;
    kernel.name = func.getSymName().str();
    kernel.kind = kind.getValue();
    if (auto precision =
            func->getAttrOfType<PrecisionAttr>(DPSDialect::kPrecisionAttrName))
      kernel.precision = typeName(precision.getElementType());
    if (kernel.kind == KernelKind::update) {
      FailureOr<std::vector<std::string>> rungs =
          updateRungs(func, manifest.ladder);
      if (failed(rungs))
        return failure();
      kernel.rungs = std::move(*rungs);
    }
    DenseMap<ArgRole, unsigned> ordinals;
    for (unsigned i = 0, e = func.getNumArguments(); i < e; ++i) {
      auto role =
          func.getArgAttrOfType<ArgRoleAttr>(i, DPSDialect::kRoleAttrName);
      if (!role)
        return func.emitOpError() << "kernel argument " << i
                                  << " has no dps.role";
      KernelArg arg;
      arg.role = role.getValue();
      unsigned ordinal = ordinals[arg.role]++;
      arg.name =
          argName(arg.role, ordinal, params, step.getOptimizer(),
                  kernel.kind == KernelKind::grad ? kernel.precision : "",
                  kernel.rungs);
      Type type = func.getArgument(i).getType();
      if (auto shaped = dyn_cast<ShapedType>(type)) {
        arg.shape.assign(shaped.getShape().begin(), shaped.getShape().end());
        arg.elementType = typeName(shaped.getElementType());
      } else {
        arg.elementType = typeName(type);
      }
      auto layout =
          func.getArgAttrOfType<StringAttr>(i, DPSDialect::kLayoutAttrName);
      arg.layout = layout ? layout.getValue().str() : "row_major";
      if (Attribute init = func.getArgAttr(i, DPSDialect::kParamAttrName))
        arg.init = isa<InitKindAttr>(init)
                       ? stringifyInitKind(cast<InitKindAttr>(init).getValue())
                             .str()
                       : "values";
      if (arg.init == "values")
        arg.values =
            DPSDialect::initialValuesSymbol(step.getSymName(), ordinal);
      kernel.args.push_back(std::move(arg));
    }
    manifest.kernels.push_back(std::move(kernel));
  }
  if (manifest.kernels.empty())
    return step.emitOpError()
           << "has no kernels; run dps-autodiff before reading the manifest";
  return manifest;
}

void mlir::dps::writeManifestJSON(const KernelManifest &manifest,
                                  llvm::raw_ostream &os) {
  llvm::json::Array kernels;
  for (const KernelInfo &kernel : manifest.kernels) {
    llvm::json::Array args;
    for (const KernelArg &arg : kernel.args) {
      llvm::json::Object object{{"name", arg.name},
                                {"role", stringifyArgRole(arg.role)},
                                {"shape", llvm::json::Array(arg.shape)},
                                {"element_type", arg.elementType},
                                {"layout", arg.layout}};
      if (!arg.init.empty())
        object["init"] = arg.init;
      if (!arg.values.empty())
        object["values"] = arg.values;
      args.push_back(std::move(object));
    }
    llvm::json::Object object{{"name", kernel.name},
                              {"kind", stringifyKernelKind(kernel.kind)},
                              {"precision", kernel.precision},
                              {"args", std::move(args)}};
    if (kernel.kind == KernelKind::update)
      object["rungs"] = llvm::json::Array(kernel.rungs);
    if (!manifest.gpuChip.empty()) {
      llvm::json::Array launches;
      for (const GPULaunch &launch : kernel.gpuLaunches) {
        llvm::json::Array grid;
        for (int64_t size : launch.grid)
          grid.push_back(size < 0 ? llvm::json::Value(nullptr)
                                  : llvm::json::Value(size));
        launches.push_back(llvm::json::Object{
            {"kernel", launch.kernel},
            {"grid", std::move(grid)},
            {"block", llvm::json::Array(launch.block)}});
      }
      object["gpu_launches"] = std::move(launches);
    }
    kernels.push_back(std::move(object));
  }
  llvm::json::Object root{{"model", manifest.model},
                          {"train_step", manifest.trainStep},
                          {"batch", manifest.batch},
                          {"outputs", manifest.outputs},
                          {"ladder", llvm::json::Array(manifest.ladder)},
                          {"kernels", std::move(kernels)}};
  if (!manifest.gpuChip.empty())
    root["gpu"] = llvm::json::Object{{"chip", manifest.gpuChip},
                                     {"module", manifest.gpuModule}};
  os << llvm::formatv("{0:2}", llvm::json::Value(std::move(root))) << "\n";
}

LogicalResult mlir::dps::addGPULaunches(ModuleOp lowered, llvm::StringRef chip,
                                        KernelManifest &manifest) {
  manifest.gpuChip = chip.str();
  for (KernelInfo &kernel : manifest.kernels) {
    auto host = lowered.lookupSymbol<func::FuncOp>(kernel.name);
    if (!host)
      return lowered.emitError() << "no host function for kernel @"
                                 << kernel.name;
    kernel.gpuLaunches.clear();
    WalkResult result = host.walk([&](gpu::LaunchFuncOp launch) {
      GPULaunch info;
      info.kernel = launch.getKernelName().str();
      manifest.gpuModule = launch.getKernelModuleName().str();
      gpu::KernelDim3 grid = launch.getGridSizeOperandValues();
      gpu::KernelDim3 block = launch.getBlockSizeOperandValues();
      auto size = [](Value v) {
        return getConstantIntValue(v).value_or(-1);
      };
      info.grid = {size(grid.x), size(grid.y), size(grid.z)};
      info.block = {size(block.x), size(block.y), size(block.z)};
      if (llvm::is_contained(info.block, -1)) {
        launch.emitError("GPU block sizes must be static");
        return WalkResult::interrupt();
      }
      kernel.gpuLaunches.push_back(std::move(info));
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      return failure();
  }
  return success();
}
