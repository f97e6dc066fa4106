//===- DPSAttrs.cpp - generated attribute definitions and registration ----===//
#include "dps/Dialect/DPS/IR/DPSAttrs.h"
#include "dps/Dialect/DPS/IR/DPSDialect.h"

#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::dps;

#include "dps/Dialect/DPS/IR/DPSEnums.cpp.inc"

#include "dps/Dialect/DPS/IR/DPSAttrInterfaces.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "dps/Dialect/DPS/IR/DPSAttrs.cpp.inc"

void DPSDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "dps/Dialect/DPS/IR/DPSAttrs.cpp.inc"
      >();
}
