"""Builds lm._lm with CMake from the repository this directory is part of
(the same library as the lm command), and puts it in the lm package."""

import os
import pathlib
import shutil
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = pathlib.Path(__file__).resolve().parent.parent


class CMakeExtension(Extension):
    def __init__(self, name):
        super().__init__(name, sources=[])


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        if not (ROOT / "CMakeLists.txt").exists():
            raise RuntimeError(f"lm's sources are not at {ROOT}: build from a clone of the repository (pip install ./python)")
        target = pathlib.Path(self.get_ext_fullpath(ext.name)).resolve()
        build = pathlib.Path(self.build_temp).resolve() / "cmake"
        args = [
            f"-DPython3_EXECUTABLE={sys.executable}",
            "-DLM_PYTHON=ON",
            "-DLM_BUILD_TESTS=OFF",
            "-DCMAKE_BUILD_TYPE=Release",
        ]
        try:
            import pybind11
            args.append(f"-Dpybind11_DIR={pybind11.get_cmake_dir()}")
        except ImportError:
            pass  # CMake finds a system pybind11 (Debian: pybind11-dev)
        subprocess.check_call(["cmake", "-S", str(ROOT), "-B", str(build), *args])
        jobs = os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL") or str(os.cpu_count() or 1)
        subprocess.check_call(["cmake", "--build", str(build), "--target", "_lm", "-j", jobs])
        built = next((build / "python" / "lm").glob("_lm*.so"))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(built, target)


setup(ext_modules=[CMakeExtension("lm._lm")], cmdclass={"build_ext": CMakeBuild})
