//===- Manifest.cpp - the kernel ABI, as the compiler wrote it -------------===//
#include "dps/runtime/Manifest.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

using namespace dps::rt;

size_t dps::rt::elementBytes(const std::string &type) {
  if (type == "f32" || type == "i32")
    return 4;
  if (type == "index" || type == "i64")
    return 8;
  if (type == "f16" || type == "bf16")
    return 2;
  return 1; // f8E4M3FN, f8E5M2
}

size_t ArgSpec::elements() const {
  size_t count = 1;
  for (int64_t dim : shape)
    count *= size_t(dim);
  return count;
}

size_t ArgSpec::bytes() const { return elements() * elementBytes(elementType); }

std::vector<Precision> Manifest::precisions() const {
  std::vector<Precision> result;
  for (const std::string &rung : ladder)
    result.push_back(*parsePrecision(rung));
  return result;
}

const KernelSpec *Manifest::find(const std::string &kind,
                                 const std::string &precision) const {
  for (const KernelSpec &kernel : kernels)
    if (kernel.kind == kind &&
        (kind == "update" ? kernel.rungs == ladder
                          : kind == "eval" || kernel.precision == precision))
      return &kernel;
  return nullptr;
}

static Result<Role> parseRole(const std::string &text) {
  static const std::pair<const char *, Role> roles[] = {
      {"param", Role::Param},           {"param_copy", Role::ParamCopy},
      {"grad_acc", Role::GradAcc},      {"opt_state", Role::OptState},
      {"input", Role::Input},           {"label", Role::Label},
      {"rows", Role::Rows},             {"step", Role::Step},
      {"total_steps", Role::TotalSteps}, {"loss_scale", Role::LossScale},
      {"overflow", Role::Overflow},     {"amax", Role::Amax},
      {"seed", Role::Seed},             {"losses", Role::Losses},
      {"predictions", Role::Predictions}};
  for (auto [name, role] : roles)
    if (text == name)
      return role;
  return Status::error("unknown argument role '" + text + "'");
}

Result<Manifest> dps::rt::parseManifest(const std::string &json,
                                        const std::string &origin) {
  // nlohmann/json reports malformed input by exception; the runtime's API
  // reports by Status.
  try {
    nlohmann::json root = nlohmann::json::parse(json);
    Manifest manifest;
    manifest.model = root.at("model").get<std::string>();
    manifest.trainStep = root.value("train_step", "");
    manifest.batch = root.at("batch").get<int64_t>();
    manifest.outputs = root.value("outputs", int64_t(0));
    manifest.ladder = root.at("ladder").get<std::vector<std::string>>();
    for (const std::string &rung : manifest.ladder)
      if (Result<Precision> p = parsePrecision(rung); !p)
        return Status::error(origin + ": ladder: " + p.status().message());
    for (const nlohmann::json &k : root.at("kernels")) {
      KernelSpec kernel;
      kernel.name = k.at("name").get<std::string>();
      kernel.kind = k.at("kind").get<std::string>();
      kernel.precision = k.at("precision").get<std::string>();
      if (kernel.kind == "update") {
        kernel.rungs = k.value("rungs", manifest.ladder);
        for (const std::string &rung : kernel.rungs)
          if (std::find(manifest.ladder.begin(), manifest.ladder.end(), rung) ==
              manifest.ladder.end())
            return Status::error(origin + ": kernel " + kernel.name +
                                 " reads the gradients of rung '" + rung +
                                 "', which is not in the ladder");
      }
      for (const nlohmann::json &a : k.at("args")) {
        ArgSpec arg;
        arg.name = a.at("name").get<std::string>();
        Result<Role> role = parseRole(a.at("role").get<std::string>());
        if (!role)
          return Status::error(origin + ": kernel " + kernel.name + ": " +
                               role.status().message());
        arg.role = *role;
        arg.shape = a.at("shape").get<std::vector<int64_t>>();
        arg.elementType = a.at("element_type").get<std::string>();
        arg.init = a.value("init", "");
        arg.values = a.value("values", "");
        kernel.args.push_back(std::move(arg));
      }
      manifest.kernels.push_back(std::move(kernel));
    }
    if (manifest.batch <= 0)
      return Status::error(origin + ": the batch must be positive");
    return manifest;
  } catch (const std::exception &e) {
    return Status::error(origin + ": not a dps kernel manifest: " + e.what());
  }
}

Result<Manifest> dps::rt::readManifest(const std::string &path) {
  std::ifstream in(path);
  if (!in)
    return Status::error(path + ": cannot read the manifest");
  std::stringstream text;
  text << in.rdbuf();
  return parseManifest(text.str(), path);
}
