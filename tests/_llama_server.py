"""llama.cpp's OpenAI-compatible server (``python -m llama_cpp.server``), started with
llama.cpp's extra buffer types off, as factx loads the embedded model (see
``factx.backends._local._load``): a wheel compiled with AMX kernels dies with SIGILL on the
first prompt batch on hosts whose hypervisor hides AMX state."""

import runpy
import sys

import llama_cpp.llama_cpp as bindings

_defaults = bindings.llama_model_default_params


def _no_extra_buffers():  # type: ignore[no-untyped-def]
    params = _defaults()
    params.use_extra_bufts = False
    return params


bindings.llama_model_default_params = _no_extra_buffers
sys.argv[0] = "llama_cpp.server"
runpy.run_module("llama_cpp.server", run_name="__main__", alter_sys=True)
