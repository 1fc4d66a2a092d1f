// checks.cpp -- turning written check tables into health checks.
#include "dnsd/checks.hpp"

namespace dnsd {

common::Result<std::shared_ptr<const health::Check>> make_check(const zones::CheckSpec& spec) {
    auto error = [&](std::string msg) {
        return common::Error{spec.where.file, spec.where.line, spec.where.column,
                             "check \"" + spec.name + "\": " + std::move(msg)};
    };
    auto type = health::parse_check_type(spec.type);
    if (!type) return error("unknown type \"" + spec.type + "\"; expected tcp, http or dns");
    auto c = std::make_shared<health::Check>();
    c->name = spec.name;
    c->type = *type;
    c->port = spec.port.value_or(health::Check::default_port(*type));
    if (spec.interval) c->interval = *spec.interval;
    if (spec.timeout) c->timeout = *spec.timeout;
    if (spec.fall) c->fall = *spec.fall;
    if (spec.rise) c->rise = *spec.rise;
    if (spec.path) c->path = *spec.path;
    if (spec.host) c->host = *spec.host;
    if (!spec.expect.empty()) {
        c->expect.clear();
        for (auto [first, last] : spec.expect) c->expect.push_back({first, last});
    }
    if (spec.body) c->body = *spec.body;
    if (spec.query_name) c->qname = *spec.query_name;
    if (spec.query_type) c->qtype = *spec.query_type;
    if (spec.rcode) c->rcode = *spec.rcode;
    if (spec.require_answer) c->require_answer = *spec.require_answer;
    common::Errors errors;
    for (const auto& p : c->problems()) errors.push_back(error(p.message));
    if (!errors.empty()) return errors;
    return std::shared_ptr<const health::Check>(std::move(c));
}

}  // namespace dnsd
