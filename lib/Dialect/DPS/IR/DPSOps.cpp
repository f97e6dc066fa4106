//===- DPSOps.cpp - generated op definitions -------------------------------===//
#include "dps/Dialect/DPS/IR/DPSOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace mlir::dps;

#define GET_OP_CLASSES
#include "dps/Dialect/DPS/IR/DPSOps.cpp.inc"

#include "dps/Dialect/DPS/IR/DPSInterfaces.cpp.inc"
