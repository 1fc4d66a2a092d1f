# dnsd/config.cmake -- dnsd::config: dnsd.toml -> dnsd::Config (config.cpp). Included from
# dnsd/CMakeLists.txt, and from tests/zones/ when a build has no dnsd/ targets yet.
if(NOT TARGET dnsd_config)
  add_library(dnsd_config STATIC ${CMAKE_CURRENT_LIST_DIR}/config.cpp)
  add_library(dnsd::config ALIAS dnsd_config)
  target_include_directories(dnsd_config PUBLIC ${PROJECT_SOURCE_DIR})
  target_compile_features(dnsd_config PUBLIC cxx_std_20)
  # config.hpp includes zones/balance.hpp (CheckSpec); toml11 stays private (compile time).
  target_link_libraries(dnsd_config PUBLIC dnsd::zones PRIVATE toml11::toml11)
  dnsd_target_warnings(dnsd_config)
endif()
