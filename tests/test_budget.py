"""The process's memory budget (embedviz.budget): where the limit comes from, reservations, evictors,
refusals with what would fit, thread safety, and the size estimates checked against real objects."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
import torch

from embedviz.budget import (
    HOT_FILE_BYTES,
    LIMIT_VARIABLE,
    MemoryBudget,
    Sources,
    charged_bytes,
    largest_dim,
    read_limit,
    resident_bytes,
    tiny_gpt_parameters,
    training_bytes,
)
from embedviz.embeddings import MAX_DIM, EmbeddingSpec, build_position_table, build_token_table
from embedviz.errors import EmbedvizError, MemoryBudgetError, MemoryBudgetExceeded
from embedviz.training import TinyGPT, TrainConfig, _build_model

MiB = 2**20


def sources(
    tmp_path: Path, v2: str | None = None, v1: str | None = None, total_kb: int | None = None
) -> Sources:
    """Fake cgroup and /proc files under tmp_path (a file not given does not exist)."""
    paths = Sources(
        cgroup_v2=tmp_path / "memory.max",
        cgroup_v1=tmp_path / "memory.limit_in_bytes",
        meminfo=tmp_path / "meminfo",
        statm=tmp_path / "statm",
        status=tmp_path / "status",
        own_groups=tmp_path / "cgroup",
        cgroup_v1_root=tmp_path / "memory",
    )
    for path, text in (
        (paths.cgroup_v2, v2),
        (paths.cgroup_v1, v1),
        (paths.meminfo, None if total_kb is None else f"MemTotal:       {total_kb} kB\nMemFree: 12 kB\n"),
    ):
        if text is not None:
            path.write_text(text + "\n")
    return paths


# ---------------------------------------------------------------------------------------------------------
# The limit
# ---------------------------------------------------------------------------------------------------------


def test_variable_wins_over_everything(tmp_path: Path) -> None:
    limit = read_limit({LIMIT_VARIABLE: "690"}, sources(tmp_path, v2="100000000", total_kb=8_000_000))
    assert limit.bytes == 690 * MiB
    assert limit.source == LIMIT_VARIABLE


@pytest.mark.parametrize("bad", ["lots", "-5", "0", "nan", "inf", "1e40", "3"])
def test_bad_variable_is_ignored_with_a_warning(tmp_path: Path, bad: str) -> None:
    with pytest.warns(UserWarning, match=LIMIT_VARIABLE):
        limit = read_limit({LIMIT_VARIABLE: bad}, sources(tmp_path, total_kb=1_000_000))
    assert limit.bytes == 1_000_000 * 1024


def test_cgroup_v2_limit(tmp_path: Path) -> None:
    limit = read_limit({}, sources(tmp_path, v2=str(690 * MiB), total_kb=8_000_000))
    assert (limit.bytes, limit.source.startswith("cgroup v2")) == (690 * MiB, True)


def test_cgroup_v2_max_falls_through_to_v1(tmp_path: Path) -> None:
    limit = read_limit({}, sources(tmp_path, v2="max", v1=str(2_700 * MiB), total_kb=8_000_000))
    assert (limit.bytes, limit.source.startswith("cgroup v1")) == (2_700 * MiB, True)


def test_huge_cgroup_v1_value_means_unlimited(tmp_path: Path) -> None:
    limit = read_limit({}, sources(tmp_path, v1=str(2**63 - 4096), total_kb=4_000_000))
    assert limit.bytes == 4_000_000 * 1024
    assert "MemTotal" in limit.source


def test_container_limit_above_the_machine_uses_the_machine(tmp_path: Path) -> None:
    limit = read_limit({}, sources(tmp_path, v2=str(64 * 2**30), total_kb=2_000_000))
    assert limit.bytes == 2_000_000 * 1024


def test_nothing_readable_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match=LIMIT_VARIABLE):
        read_limit({}, sources(tmp_path))


def test_from_environment_without_status_fields_counts_the_whole_rss(tmp_path: Path) -> None:
    paths = sources(tmp_path, v2=str(690 * MiB))
    paths.statm.write_text("9999 25600 300 1 0 500 0\n")  # 25,600 resident pages
    paths.status.write_text("Name:\tpython\nVmRSS:\t  102400 kB\n")  # an old kernel: no RssAnon
    budget = MemoryBudget.from_environment({}, paths, margin=0)
    assert budget.limit == 690 * MiB
    assert budget.used() == 25_600 * os.sysconf("SC_PAGE_SIZE")


# /proc/self/status of a server under a class, as the kernel writes it (kB are KiB)
SERVER_STATUS = """Name:\tstreamlit
VmPeak:\t 2961212 kB
VmHWM:\t  650012 kB
VmRSS:\t  631380 kB
RssAnon:\t  470116 kB
RssFile:\t  159216 kB
RssShmem:\t    2048 kB
VmSwap:\t       0 kB
Threads:\t27
"""


def test_the_charge_is_anonymous_memory_plus_the_hot_file_pages(tmp_path: Path) -> None:
    """RssFile (library code the kernel can drop under a limit) is not counted; RssAnon and RssShmem
    (memory the kernel can only take back by killing) are, plus the allowance for hot file pages."""
    paths = sources(tmp_path, v1=str(690 * MiB))
    paths.status.write_text(SERVER_STATUS)
    paths.statm.write_text("740303 157845 39804 1 0 500 0\n")
    anonymous = (470_116 + 2_048) * 1024
    assert charged_bytes(paths.status, paths.statm, file_allowance=0) == anonymous
    assert charged_bytes(paths.status, paths.statm) == anonymous + HOT_FILE_BYTES
    budget = MemoryBudget.from_environment({}, paths, margin=0)
    assert budget.used() == anonymous + HOT_FILE_BYTES
    assert budget.used() < 631_380 * 1024  # less than the whole RSS


def test_charged_bytes_of_this_process_is_below_its_rss_and_sees_an_allocation() -> None:
    before = charged_bytes(file_allowance=0)
    assert before < resident_bytes()
    block = torch.ones(64 * MiB // 4)  # anonymous memory, written
    grown = charged_bytes(file_allowance=0) - before
    assert 60 * MiB <= grown <= 80 * MiB
    del block


def test_the_own_v1_group_limit_is_found_through_proc_self_cgroup(tmp_path: Path) -> None:
    """A server started in a child memory group sees the mount's root (no limit) at the usual path; its
    own group's limit is under the path that /proc/self/cgroup names."""
    paths = sources(tmp_path, v1=str(2**63 - 4096), total_kb=8_000_000)
    paths.own_groups.write_text("4:memory:/process_api/abc/embedviz-1\n3:cpuset:/\n0::/\n")
    group = paths.cgroup_v1_root / "process_api" / "abc" / "embedviz-1"
    group.mkdir(parents=True)
    (group / "memory.limit_in_bytes").write_text(f"{690 * MiB}\n")
    limit = read_limit({}, paths)
    assert limit.bytes == 690 * MiB and str(group) in limit.source


def test_a_process_in_the_root_group_reads_the_usual_file(tmp_path: Path) -> None:
    paths = sources(tmp_path, v1=str(690 * MiB), total_kb=8_000_000)
    paths.own_groups.write_text("4:memory:/\n")
    assert read_limit({}, paths).bytes == 690 * MiB


def test_resident_bytes_sees_a_real_allocation() -> None:
    before = resident_bytes()
    block = torch.ones(64 * MiB // 4)  # 64 MiB, written (so resident)
    grown = resident_bytes() - before
    assert 60 * MiB <= grown <= 80 * MiB
    del block


# ---------------------------------------------------------------------------------------------------------
# Reservations, evictors, refusals
# ---------------------------------------------------------------------------------------------------------


class FakeMemory:
    """A process whose RSS is a number the test sets; evicting a cache lowers it."""

    def __init__(self, rss: int) -> None:
        self.rss = rss
        self.evicted: list[str] = []

    def evictor(self, name: str, frees: int):
        def evict() -> None:
            self.evicted.append(name)
            self.rss -= frees

        return evict


def refusal(budget: MemoryBudget, nbytes: int, what: str, **options) -> MemoryBudgetExceeded:
    """The error a reservation that must not fit raises (and proof that it raised)."""
    with pytest.raises(MemoryBudgetExceeded) as caught, budget.reserve(nbytes, what, **options):
        pass
    return caught.value


def budget_of(memory: FakeMemory, limit: int = 1000, margin: int = 100) -> MemoryBudget:
    return MemoryBudget(limit, margin=margin, rss=lambda: memory.rss, release=lambda: None)


def test_reservation_counts_until_released() -> None:
    memory = FakeMemory(rss=300)
    budget = budget_of(memory)
    assert budget.available() == 600
    with budget.reserve(250, "a table") as got:
        assert got == 250
        assert (budget.reserved, budget.used(), budget.available()) == (250, 550, 350)
    assert (budget.reserved, budget.available()) == (0, 600)


def test_reservation_is_released_after_an_error() -> None:
    budget = budget_of(FakeMemory(rss=0))
    with pytest.raises(ZeroDivisionError), budget.reserve(500, "x"):
        1 / 0  # noqa: B018
    assert budget.reserved == 0


def test_exactly_fitting_request_is_granted_one_more_byte_is_not() -> None:
    budget = budget_of(FakeMemory(rss=300))
    with budget.reserve(600, "all of it"):
        pass
    refusal(budget, 601, "one byte more")


def test_refusal_carries_its_numbers_and_a_clear_english_message() -> None:
    budget = budget_of(FakeMemory(rss=300), limit=1_000_000_000, margin=0)
    error = refusal(budget, 2_000_000_000, "GPT-2 tables at dim 2,048")
    assert isinstance(error, MemoryBudgetError) and isinstance(error, EmbedvizError)
    assert (error.needed, error.available, error.limit) == (2_000_000_000, 1_000_000_000 - 300, 10**9)
    assert error.largest_dim is None
    assert str(error).startswith("GPT-2 tables at dim 2,048 needs 2,000 MB")
    assert "1,000 MB free" in str(error)


def test_refused_table_says_the_largest_dim_that_fits() -> None:
    n_vocab, context = 50_257, 1_024
    available = 300 * MiB
    budget = budget_of(FakeMemory(rss=0), limit=available, margin=0)
    error = refusal(budget, (n_vocab + context) * 2048 * 4, "dim 2,048", table=(n_vocab, context))
    assert error.largest_dim == largest_dim(n_vocab, context, available)
    assert f"up to dim {error.largest_dim:,}" in str(error)


def test_evictors_give_way_in_order_and_only_as_far_as_needed() -> None:
    memory = FakeMemory(rss=800)
    budget = budget_of(memory)  # 100 available
    for name in ("figures", "other tables", "gpt2"):
        budget.add_evictor(name, memory.evictor(name, frees=200))
    with budget.reserve(50, "fits already"):
        assert memory.evicted == []
    with budget.reserve(450, "needs two caches"):
        assert memory.evicted == ["figures", "other tables"]


def test_refused_after_every_evictor_gave_way() -> None:
    memory = FakeMemory(rss=800)
    budget = budget_of(memory)
    budget.add_evictor("figures", memory.evictor("figures", frees=100))
    error = refusal(budget, 500, "too big")
    assert memory.evicted == ["figures"]
    assert error.available == 200  # what was free after the cache gave way
    assert budget.reserved == 0


def test_a_transient_cost_is_counted_never_refused_and_caches_give_way_first() -> None:
    memory = FakeMemory(rss=800)
    budget = budget_of(memory)  # 100 available
    budget.add_evictor("figures", memory.evictor("figures", frees=300))
    with budget.transient(250) as held:
        assert held == 250 and memory.evicted == ["figures"]  # 400 available after it gave way
        assert budget.available() == 150  # what a table asked for meanwhile could have
    with budget.transient(10_000):  # larger than the limit: counted, never refused
        assert budget.reserved == 10_000
    assert budget.reserved == 0


def test_negative_request_is_a_programming_error() -> None:
    with pytest.raises(ValueError), budget_of(FakeMemory(0)).reserve(-1, "x"):
        pass


def test_concurrent_reservations_never_exceed_the_limit() -> None:
    budget = budget_of(FakeMemory(rss=0), limit=100, margin=0)
    hold, granted, refused, tried = threading.Event(), [], [], threading.Semaphore(0)

    def visitor() -> None:
        try:
            with budget.reserve(10, "x"):
                granted.append(1)
                tried.release()
                hold.wait(10)
        except MemoryBudgetExceeded:
            refused.append(1)
            tried.release()

    threads = [threading.Thread(target=visitor) for _ in range(25)]
    for thread in threads:
        thread.start()
    for _ in threads:
        assert tried.acquire(timeout=10)
    assert (len(granted), len(refused), budget.reserved) == (10, 15, 100)
    hold.set()
    for thread in threads:
        thread.join(10)
    assert budget.reserved == 0


# ---------------------------------------------------------------------------------------------------------
# Sizes
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n_vocab", "context", "available"),
    [(50_257, 1_024, 300 * MiB), (50_257, 8_192, 412 * 10**6), (100_277, 1, 10**9), (50_257, 1024, 100)],
)
def test_largest_dim_is_the_largest_that_fits(n_vocab: int, context: int, available: int) -> None:
    dim = largest_dim(n_vocab, context, available)
    fits = [d for d in range(0, MAX_DIM + 1) if (n_vocab + context) * d * 4 <= available]
    assert dim == max(fits)


def test_largest_dim_is_capped() -> None:
    assert largest_dim(10, 10, 10**15) == MAX_DIM


@pytest.mark.parametrize(
    ("dim", "n_blocks", "n_heads"), [(256, 1, 4), (64, 2, 4), (512, 1, 4), (30, 1, 4), (1, 1, 1)]
)
def test_parameter_count_matches_the_real_model(dim: int, n_blocks: int, n_heads: int) -> None:
    config = TrainConfig(
        spec=EmbeddingSpec(dim=dim, seed=1, context_length=64), n_blocks=n_blocks, n_heads=n_heads
    )
    n_text = 97
    token = build_token_table(200, dim, 1)
    model = _build_model(config, (token, build_position_table(token, 64)), torch.arange(n_text), 32)
    assert isinstance(model, TinyGPT)
    assert tiny_gpt_parameters(config, n_text) == sum(p.numel() for p in model.parameters())


def test_training_estimate_covers_parameters_adam_and_the_first_run() -> None:
    config = TrainConfig(steps=150, snapshot_every=5)
    estimate = training_bytes(config, 1_416)
    assert estimate >= 16 * tiny_gpt_parameters(config, 1_416)  # values, gradients, two Adam moments
    assert 20 * MiB <= estimate <= 80 * MiB  # measured peak growth 15-21 MiB (see the docstring)
    assert training_bytes(config, 1_416, first_run=True) > estimate + 100 * MiB


def test_a_request_above_the_floor_empties_no_cache() -> None:
    """With ``floor`` (memory no evictor can free), a request that could not fit even with every cache
    empty is refused at once; one that could is let in after the caches gave way."""
    rss = {"now": 600 * MiB}
    evicted: list[str] = []

    def evict() -> None:
        evicted.append("tables")
        rss["now"] = 450 * MiB

    budget = MemoryBudget(
        700 * MiB, margin=50 * MiB, rss=lambda: rss["now"], release=lambda: None, floor=450 * MiB
    )
    budget.add_evictor("tables", evict)
    with pytest.raises(MemoryBudgetExceeded) as refusal, budget.reserve(201 * MiB, "dim 2,048"):
        pass
    assert evicted == [] and refusal.value.available == 50 * MiB  # 700 - 50 - 600, nothing freed
    with budget.reserve(200 * MiB, "dim 1,024"):
        assert evicted == ["tables"]
