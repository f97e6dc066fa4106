//===- KernelBufferABI.cpp - kernels write their outputs in place ---------===//
#include "dps/Dialect/DPS/IR/DPSAttrs.h"
#include "dps/Dialect/DPS/IR/DPSDialect.h"
#include "dps/Dialect/DPS/Transforms/Passes.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

namespace mlir::dps {
#define GEN_PASS_DEF_DPSKERNELBUFFERABI
#include "dps/Dialect/DPS/Transforms/Passes.h.inc"
} // namespace mlir::dps

using namespace mlir;
using namespace mlir::dps;

namespace {

/// The buffer a value is: loops over tiles of a buffer updated in place
/// yield their iter_arg (or an inner such loop's result), so the buffer is
/// the loop's init.
Value underlyingBuffer(Value value) {
  auto result = dyn_cast<OpResult>(value);
  auto loop = result ? dyn_cast<scf::ForOp>(result.getOwner()) : nullptr;
  if (!loop)
    return value;
  unsigned i = result.getResultNumber();
  if (underlyingBuffer(loop.getYieldedValues()[i]) !=
      loop.getRegionIterArgs()[i])
    return value;
  return underlyingBuffer(loop.getInitArgs()[i]);
}

/// Drops the results of `kernel`, each of which must be one of its arguments.
LogicalResult dropInPlaceResults(func::FuncOp kernel) {
  if (kernel.isExternal())
    return success();
  auto ret = cast<func::ReturnOp>(kernel.getBody().back().getTerminator());
  for (auto [index, value] : llvm::enumerate(ret.getOperands())) {
    auto arg = dyn_cast<BlockArgument>(underlyingBuffer(value));
    if (!arg || arg.getOwner() != &kernel.getBody().front())
      return kernel.emitOpError()
             << "result " << index
             << " is not written in place into an argument buffer; "
                "bufferization had to allocate it";
  }
  OpBuilder b(ret);
  func::ReturnOp::create(b, ret.getLoc());
  ret.erase();
  kernel.setFunctionType(
      FunctionType::get(kernel.getContext(), kernel.getArgumentTypes(), {}));
  kernel.setAllResultAttrs(ArrayRef<DictionaryAttr>{});
  return success();
}

/// Removes the `dps.*` attributes of `kernel` and its arguments; with
/// `streamMasterWeights`, marks its `param` arguments `dps.stream`.
void stripDPSAttributes(func::FuncOp kernel, bool streamMasterWeights) {
  auto isDPS = [](NamedAttribute attr) {
    return attr.getName().getValue().starts_with("dps.");
  };
  for (NamedAttribute attr : llvm::to_vector(kernel->getDiscardableAttrs()))
    if (isDPS(attr))
      kernel->removeDiscardableAttr(attr.getName());
  for (unsigned i = 0, e = kernel.getNumArguments(); i < e; ++i) {
    auto role =
        kernel.getArgAttrOfType<ArgRoleAttr>(i, DPSDialect::kRoleAttrName);
    if (DictionaryAttr attrs = kernel.getArgAttrDict(i))
      for (NamedAttribute attr : attrs.getValue())
        if (isDPS(attr))
          kernel.removeArgAttr(i, attr.getName());
    if (streamMasterWeights && role && role.getValue() == ArgRole::param)
      kernel.setArgAttr(i, DPSDialect::kStreamAttrName,
                        UnitAttr::get(kernel.getContext()));
  }
}

struct DPSKernelBufferABIPass
    : public dps::impl::DPSKernelBufferABIBase<DPSKernelBufferABIPass> {
  using DPSKernelBufferABIBase::DPSKernelBufferABIBase;

  void runOnOperation() override {
    for (func::FuncOp kernel : getOperation().getOps<func::FuncOp>()) {
      if (!kernel->hasAttr(DPSDialect::kKernelAttrName))
        continue;
      if (failed(dropInPlaceResults(kernel)))
        return signalPassFailure();
      stripDPSAttributes(kernel, streamMasterWeights);
      if (emitCInterface)
        kernel->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                        UnitAttr::get(&getContext()));
    }
  }
};

} // namespace
