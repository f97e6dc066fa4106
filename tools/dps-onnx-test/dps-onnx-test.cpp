//===- dps-onnx-test.cpp - run ONNX test cases through dps ----------------===//
//
// Runs the forward pass of ONNX models on given inputs and compares the
// outputs with the expected ones. A case is a folder in ONNX's own test
// layout (what libonnx-testdata's node tests use):
//
//   CASE/model.onnx
//   CASE/test_data_set_0/input_0.pb ... output_0.pb ...
//
//   dps-onnx-test CASE... [--rtol 1e-4] [--atol 1e-6] [--print]
//
// Each case is imported in the inference form (dps-translate --import-onnx
// --onnx-inference), compiled with dps-lower-to-llvm and the JIT, run on
// every data set and reported on one line:
//   PASS  (max relative error), FAIL (why), UNSUPPORTED (the importer's
//   diagnostic: dps does not take this model), SKIP (inputs dps does not
//   take: not float, rank above 4).
// Integer inputs (e.g. Reshape's target shape) are bound as constants from
// the data set, since dps compiles static shapes. Exit status 1 if any case
// failed.
//
//===----------------------------------------------------------------------===//
#include "dps/InitAllDPS.h"
#include "dps/JIT/JitModule.h"
#include "dps/Pipelines/Pipelines.h"
#include "dps/Target/OnnxImport.h"
#include "dps/Target/OnnxModel.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>

using namespace mlir;
namespace ox = ::dps::onnx;

static llvm::cl::list<std::string> cases(llvm::cl::Positional,
                                         llvm::cl::desc("<case folder>..."),
                                         llvm::cl::OneOrMore);
static llvm::cl::opt<double>
    relativeTolerance("rtol", llvm::cl::desc("Relative tolerance"),
                      llvm::cl::init(1e-4));
static llvm::cl::opt<double>
    absoluteTolerance("atol",
                      llvm::cl::desc("Absolute tolerance (for "
                                     "expected values near 0)"),
                      llvm::cl::init(1e-6));
static llvm::cl::opt<bool> printOutputs("print",
                                        llvm::cl::desc("Print the outputs"));

namespace {

enum class Verdict { Pass, Fail, Unsupported, Skip };

struct Outcome {
  Verdict verdict;
  std::string detail;
};

std::optional<std::string> readFile(const std::string &path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false);
  if (!buffer)
    return std::nullopt;
  return (*buffer)->getBuffer().str();
}

/// The data sets of a case: for each, its input and output tensors in order.
struct DataSet {
  std::vector<ox::Tensor> inputs, outputs;
};

std::optional<std::string> readDataSets(const std::string &folder,
                                        std::vector<DataSet> &sets) {
  for (int set = 0;; ++set) {
    std::string dir = folder + "/test_data_set_" + std::to_string(set);
    if (!llvm::sys::fs::is_directory(dir))
      break;
    DataSet data;
    for (const char *kind : {"input", "output"}) {
      for (int i = 0;; ++i) {
        std::string path = dir + "/" + kind + "_" + std::to_string(i) + ".pb";
        if (!llvm::sys::fs::exists(path))
          break;
        std::optional<std::string> bytes = readFile(path);
        if (!bytes)
          return "cannot read " + path;
        ox::Parsed<ox::Tensor> tensor = ox::parseTensor(*bytes);
        if (!tensor.value)
          return path + ": " + tensor.error;
        (kind[0] == 'i' ? data.inputs : data.outputs)
            .push_back(std::move(*tensor.value));
      }
    }
    sets.push_back(std::move(data));
  }
  if (sets.empty())
    return "no test_data_set_0 folder";
  return std::nullopt;
}

/// Collects the context's error diagnostics while alive, as one line: a
/// case's reason to fail or be unsupported.
class ErrorCollector {
public:
  explicit ErrorCollector(MLIRContext &context)
      : handler(&context, [this](Diagnostic &diag) {
          if (diag.getSeverity() == DiagnosticSeverity::Error)
            text += (text.empty() ? "" : "; ") + diag.str();
          return success();
        }) {}
  const std::string &str() const { return text; }

private:
  std::string text;
  ScopedDiagnosticHandler handler;
};

std::string shapeText(const std::vector<int64_t> &dims) {
  std::string text;
  for (int64_t d : dims)
    text += (text.empty() ? "" : "x") + std::to_string(d);
  return text.empty() ? "scalar" : text;
}

Outcome runCase(MLIRContext &context, const std::string &folder) {
  std::optional<std::string> bytes = readFile(folder + "/model.onnx");
  if (!bytes)
    return {Verdict::Fail, "cannot read model.onnx"};
  ox::Parsed<ox::Model> parsed = ox::parseModel(*bytes);
  if (!parsed.value)
    return {Verdict::Unsupported, parsed.error};
  ox::Model &model = *parsed.value;
  std::vector<DataSet> sets;
  if (std::optional<std::string> error = readDataSets(folder, sets))
    return {Verdict::Fail, *error};

  // Graph inputs that are not initializers, in order: the data sets' inputs.
  std::vector<size_t> dataInputs;
  for (size_t i = 0; i < model.inputs.size(); ++i) {
    bool initializer = false;
    for (const ox::Tensor &t : model.initializers)
      initializer |= t.name == model.inputs[i].name;
    if (!initializer)
      dataInputs.push_back(i);
  }
  if (dataInputs.size() != sets[0].inputs.size())
    return {Verdict::Fail,
            "the data set has " + std::to_string(sets[0].inputs.size()) +
                " inputs, the graph " + std::to_string(dataInputs.size())};
  // Which inputs dps takes: float of rank <= 4 (and the shape from the
  // data); integers become constants of the first data set.
  std::vector<size_t> floatInputs;
  for (size_t k = 0; k < dataInputs.size(); ++k) {
    ox::ValueInfo &info = model.inputs[dataInputs[k]];
    const ox::Tensor &value = sets[0].inputs[k];
    if (value.type == ox::DataType::Int64 ||
        value.type == ox::DataType::Int32) {
      ox::Tensor bound = value;
      bound.name = info.name;
      bound.type = ox::DataType::Int64;
      model.initializers.push_back(std::move(bound));
      continue;
    }
    if (value.type != ox::DataType::Float)
      return {Verdict::Skip, "input '" + info.name + "' is " +
                                 ox::dataTypeName(value.type) + ", not float"};
    if (value.dims.size() > 4)
      return {Verdict::Skip, "input '" + info.name + "' has rank " +
                                 std::to_string(value.dims.size()) +
                                 ", above 4"};
    info.dims = value.dims;
    info.hasShape = true;
    floatInputs.push_back(k);
  }
  for (const DataSet &set : sets)
    for (const ox::Tensor &output : set.outputs)
      if (output.type != ox::DataType::Float)
        return {Verdict::Skip, "output '" + output.name + "' is " +
                                   ox::dataTypeName(output.type) +
                                   ", not float"};

  ErrorCollector errors(context);
  mlir::dps::OnnxImportOptions options;
  options.inference = true;
  OwningOpRef<ModuleOp> module = mlir::dps::importOnnxModel(
      model, folder + "/model.onnx", &context, options);
  if (!module)
    return {Verdict::Unsupported, errors.str()};
  auto func = *module->getOps<func::FuncOp>().begin();
  std::string name = func.getSymName().str();
  SmallVector<RankedTensorType> argTypes;
  for (Type type : func.getArgumentTypes())
    argTypes.push_back(cast<RankedTensorType>(type));

  PassManager pm(&context);
  mlir::dps::buildLowerToLLVMPipeline(pm, mlir::dps::LowerToLLVMOptions());
  if (failed(pm.run(*module)))
    return {Verdict::Fail, "compilation failed: " + errors.str()};
  auto jit = ::dps::JitModule::compile(*module);
  if (!jit)
    return {Verdict::Fail, "JIT: " + llvm::toString(jit.takeError())};

  double worst = 0;
  for (auto [index, set] : llvm::enumerate(sets)) {
    size_t numInputs = floatInputs.size();
    if (argTypes.size() != numInputs + set.outputs.size())
      return {Verdict::Fail,
              "the function has " + std::to_string(argTypes.size()) +
                  " arguments for " + std::to_string(numInputs) +
                  " inputs and " + std::to_string(set.outputs.size()) +
                  " outputs"};
    std::vector<std::vector<float>> buffers;
    ::dps::KernelArguments args;
    for (size_t k : floatInputs)
      buffers.push_back(set.inputs[k].floats);
    for (const ox::Tensor &output : set.outputs)
      buffers.emplace_back(size_t(output.elements()), NAN);
    for (auto [i, buffer] : llvm::enumerate(buffers)) {
      ArrayRef<int64_t> shape = argTypes[i].getShape();
      if (int64_t(buffer.size()) != argTypes[i].getNumElements())
        return {Verdict::Fail,
                "argument " + std::to_string(i) + " has " +
                    std::to_string(buffer.size()) + " values for type of " +
                    std::to_string(argTypes[i].getNumElements())};
      args.memref(buffer.data(),
                  std::vector<int64_t>(shape.begin(), shape.end()));
    }
    if (llvm::Error error = (*jit)->call(name, args))
      return {Verdict::Fail, llvm::toString(std::move(error))};
    for (auto [o, expected] : llvm::enumerate(set.outputs)) {
      const std::vector<float> &got = buffers[numInputs + o];
      if (printOutputs) {
        llvm::outs() << "  data set " << index << " output " << o << " ("
                     << shapeText(expected.dims) << "):";
        for (float v : got)
          llvm::outs() << " " << v;
        llvm::outs() << "\n";
      }
      for (size_t e = 0; e < got.size(); ++e) {
        double want = expected.floats[e], have = got[e];
        double diff = std::fabs(have - want);
        if (!(diff <= absoluteTolerance + relativeTolerance * std::fabs(want)))
          return {Verdict::Fail, "data set " + std::to_string(index) +
                                     " output " + std::to_string(o) +
                                     " element " + std::to_string(e) + ": " +
                                     std::to_string(have) + ", expected " +
                                     std::to_string(want)};
        if (std::fabs(want) > absoluteTolerance)
          worst = std::max(worst, diff / std::fabs(want));
      }
    }
  }
  char text[64];
  std::snprintf(text, sizeof text, "max rel. error %.2e, %zu data set(s)",
                worst, sets.size());
  return {Verdict::Pass, text};
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  mlir::dps::registerPipelines();
  llvm::cl::ParseCommandLineOptions(
      argc, argv,
      "dps-onnx-test: runs ONNX test cases (model.onnx + "
      "test_data_set_N/) through dps's importer, compiler and JIT\n");
  if (!mlir::dps::onnxImportAvailable()) {
    llvm::errs() << "dps-onnx-test: this dps was built without ONNX support "
                    "(install libonnx-dev and configure again)\n";
    return 1;
  }
  DialectRegistry registry;
  registerAllDialects(registry);
  registerAllExtensions(registry);
  registerAllToLLVMIRTranslations(registry);
  mlir::dps::registerAllDialects(registry);
  MLIRContext context(registry);

  unsigned counts[4] = {0, 0, 0, 0};
  const char *labels[] = {"PASS", "FAIL", "UNSUPPORTED", "SKIP"};
  for (const std::string &folder : cases) {
    Outcome outcome = runCase(context, folder);
    ++counts[int(outcome.verdict)];
    llvm::outs() << labels[int(outcome.verdict)] << " "
                 << llvm::sys::path::filename(folder) << ": " << outcome.detail
                 << "\n";
  }
  llvm::outs() << "dps-onnx-test: " << counts[0] << " passed, " << counts[1]
               << " failed, " << counts[2] << " unsupported, " << counts[3]
               << " skipped\n";
  return counts[1] ? 1 : 0;
}
