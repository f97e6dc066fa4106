//===- DPSDialect.cpp - dps dialect registration and argument attributes --===//
#include "dps/Dialect/DPS/IR/DPSDialect.h"
#include "dps/Dialect/DPS/IR/DPSOps.h"

#include "mlir/IR/DialectImplementation.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

using namespace mlir;
using namespace mlir::dps;

#include "dps/Dialect/DPS/IR/DPSDialect.cpp.inc"

void DPSDialect::initialize() {
  registerAttributes();
  addOperations<
#define GET_OP_LIST
#include "dps/Dialect/DPS/IR/DPSOps.cpp.inc"
      >();
}

/// `dps.param` marks a forward-function argument as a trained parameter. Its
/// value says how to initialise it: an initialiser kind, or the values.
LogicalResult DPSDialect::verifyRegionArgAttribute(Operation *op,
                                                   unsigned regionIndex,
                                                   unsigned argIndex,
                                                   NamedAttribute attr) {
  if (attr.getName() == kRoleAttrName) {
    if (!isa<ArgRoleAttr>(attr.getValue()))
      return op->emitError() << "'" << kRoleAttrName
                             << "' must be a #dps.role<...>";
    return success();
  }
  if (attr.getName() == kLayoutAttrName) {
    auto layout = dyn_cast<StringAttr>(attr.getValue());
    if (!layout || layout.getValue() != "vnni")
      return op->emitError() << "'" << kLayoutAttrName
                             << "' must be \"vnni\" (row-major needs none)";
    return success();
  }
  if (attr.getName() == kStreamAttrName) {
    if (!isa<UnitAttr>(attr.getValue()) || !isa<FunctionOpInterface>(op) ||
        !isa<MemRefType>(
            cast<FunctionOpInterface>(op).getArgumentTypes()[argIndex]))
      return op->emitError() << "'" << kStreamAttrName
                             << "' is a unit attribute of memref arguments";
    return success();
  }
  if (attr.getName() != kParamAttrName)
    return op->emitError() << "unknown dps argument attribute '"
                           << attr.getName().getValue() << "'";
  auto func = dyn_cast<FunctionOpInterface>(op);
  if (!func)
    return op->emitError() << "'" << kParamAttrName
                           << "' is only valid on function arguments";
  // A tensor in dps IR, a memref once a kernel is bufferized.
  Type argType = func.getArgumentTypes()[argIndex];
  auto shapedType = dyn_cast<ShapedType>(argType);
  if (!shapedType || !shapedType.hasStaticShape() ||
      !isSupportedPrecision(shapedType.getElementType()))
    return op->emitError() << "parameter argument " << argIndex
                           << " must be a statically shaped tensor of "
                           << kSupportedPrecisions << ", got " << argType;
  if (isa<InitKindAttr>(attr.getValue()))
    return success();
  if (auto elements = dyn_cast<ElementsAttr>(attr.getValue())) {
    if (elements.getShapedType().getShape() != shapedType.getShape() ||
        elements.getElementType() != shapedType.getElementType())
      return op->emitError() << "parameter argument " << argIndex
                             << " has type " << argType
                             << " but its initial value has type "
                             << elements.getType();
    return success();
  }
  return op->emitError() << "'" << kParamAttrName << "' of argument "
                         << argIndex
                         << " must be an initialiser (#dps.init<...>) or an "
                            "elements attribute of the argument's type";
}
