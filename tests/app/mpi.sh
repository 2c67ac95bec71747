# Sourced by the tests that run aegan-vk under mpirun, with the build's MPI_CXX_FOUND as $1:
# skips the test (exit code 77) where this build has no MPI or mpirun is missing, and sets what
# Open MPI needs here: as root (CI) both ALLOW variables, and on 2 cores --oversubscribe.
if [[ $1 != TRUE && $1 != 1 ]] || ! command -v mpirun >/dev/null; then
  echo "skip: this build has no MPI or mpirun is missing (apt-get install libopenmpi-dev openmpi-bin)"
  exit 77
fi
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1
