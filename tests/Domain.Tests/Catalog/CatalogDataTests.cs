using Sizing.Domain.Catalog;
using Sizing.Domain.Deployment;

namespace Sizing.Domain.Tests.Catalog;

/// <summary>Checks the embedded GPU and model catalogs against the reference facts in docs/reference.</summary>
/// <remarks>
/// "ref" below means docs/reference/models.json (fields total_params_exact_derived, total_params_B_derived,
/// active_params_B_derived, kv_cache_bytes_per_token_bf16_derived), derived there from the published configs with
/// docs/formulas.md §1.1/§1.2.
/// </remarks>
public sealed class CatalogDataTests
{
    private const double Tolerance = 0.005; // 0.5 %

    private static HardwareCatalog Catalog => HardwareCatalog.BuiltIn;

    [Fact]
    public void BuiltIn_Loads()
    {
        var catalog = HardwareCatalog.BuiltIn;

        Assert.NotEmpty(catalog.Gpus);
        Assert.NotEmpty(catalog.Models);
    }

    [Theory]
    [InlineData("a100-sxm-40gb")]
    [InlineData("a100-sxm-80gb")]
    [InlineData("a100-pcie-40gb")]
    [InlineData("a100-pcie-80gb")]
    [InlineData("a10g")]
    [InlineData("a30")]
    [InlineData("l4")]
    [InlineData("l40s")]
    [InlineData("h100-sxm-80gb")]
    [InlineData("h100-pcie-80gb")]
    [InlineData("h100-nvl-94gb")]
    [InlineData("h200-sxm-141gb")]
    [InlineData("h20-96gb")]
    [InlineData("gh200-144gb")]
    [InlineData("b200-180gb")]
    [InlineData("gb200")]
    [InlineData("rtx-3090")]
    [InlineData("rtx-4090")]
    [InlineData("rtx-5090")]
    [InlineData("rtx-6000-ada")]
    [InlineData("rtx-pro-6000")]
    [InlineData("mi300x")]
    [InlineData("mi325x")]
    public void Gpu_IsPresentAndSourced(string id)
    {
        var gpu = Catalog.FindGpu(id);

        Assert.NotNull(gpu);
        Assert.False(string.IsNullOrWhiteSpace(gpu.Source));
        Assert.False(string.IsNullOrWhiteSpace(gpu.MemoryGiBSource));
        Assert.False(string.IsNullOrWhiteSpace(gpu.Price.Source));
        Assert.DoesNotContain("placeholder", gpu.Price.Source, StringComparison.OrdinalIgnoreCase);
        Assert.True(gpu.MemoryGB > 0);
        Assert.True(gpu.MemoryGiB > 0 && gpu.MemoryGiB <= gpu.MemoryGB);
        Assert.True(gpu.MemoryBandwidthGBps > 0);
        Assert.True(gpu.DenseTflops.Fp32 > 0 && gpu.DenseTflops.Bf16 > 0 && gpu.DenseTflops.Fp16 > 0);
        Assert.True(gpu.Price.UsdPerHour > 0);
        Assert.True(gpu.Node.GpusPerNode >= 1);
    }

    [Theory]
    [InlineData("llama-2-7b")]
    [InlineData("llama-2-13b")]
    [InlineData("llama-2-70b")]
    [InlineData("llama-3-8b")]
    [InlineData("llama-3-70b")]
    [InlineData("llama-3.1-8b")]
    [InlineData("llama-3.1-70b")]
    [InlineData("llama-3.1-405b")]
    [InlineData("llama-3.3-70b")]
    [InlineData("mistral-7b")]
    [InlineData("mixtral-8x7b")]
    [InlineData("mixtral-8x22b")]
    [InlineData("qwen2.5-72b")]
    [InlineData("qwen3-235b-a22b")]
    [InlineData("deepseek-v3")]
    [InlineData("deepseek-r1")]
    [InlineData("falcon-180b")]
    [InlineData("gemma-2-27b")]
    [InlineData("gemma-3-27b")]
    [InlineData("gpt-j-6b")]
    [InlineData("internlm-20b")]
    [InlineData("llama-4-scout")]
    [InlineData("llama-4-maverick")]
    [InlineData("gpt-3-175b")]
    [InlineData("qwen2.5-7b")]
    [InlineData("qwen2.5-14b")]
    [InlineData("qwen2.5-32b")]
    [InlineData("qwen3-0.6b")]
    [InlineData("qwen3-32b")]
    [InlineData("qwen3-30b-a3b")]
    [InlineData("gpt-oss-20b")]
    [InlineData("gpt-oss-120b")]
    [InlineData("mistral-small-3.2-24b")]
    public void Model_IsPresentAndSourced(string id)
    {
        var model = Catalog.FindModel(id);

        Assert.NotNull(model);
        Assert.False(string.IsNullOrWhiteSpace(model.Source));
        Assert.False(string.IsNullOrWhiteSpace(model.Name));
        Assert.True(model.Architecture.TotalParameters > 0);
    }

    [Fact]
    public void Ids_AreUnique()
    {
        Assert.Equal(Catalog.Gpus.Count, Catalog.Gpus.Select(g => g.Id).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(Catalog.Models.Count, Catalog.Models.Select(m => m.Id).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void EveryEntry_HasASource()
    {
        Assert.All(Catalog.Gpus, g => Assert.False(string.IsNullOrWhiteSpace(g.Source), g.Id));
        Assert.All(Catalog.Models, m => Assert.False(string.IsNullOrWhiteSpace(m.Source), m.Id));
    }

    [Theory]
    [InlineData("llama-2-7b", 6.738415616)] // ref total_params_exact_derived 6,738,415,616
    [InlineData("llama-2-13b", 13.015864320)] // ref total_params_exact_derived 13,015,864,320
    [InlineData("llama-2-70b", 68.976648192)] // ref total_params_exact_derived 68,976,648,192
    [InlineData("llama-3-8b", 8.03)] // ref total_params_B_derived 8.03
    [InlineData("llama-3-70b", 70.554)] // ref total_params_B_derived 70.554
    [InlineData("llama-3.1-8b", 8.030261248)] // ref total_params_exact_derived 8,030,261,248
    [InlineData("llama-3.1-70b", 70.553706496)] // ref total_params_exact_derived 70,553,706,496
    [InlineData("llama-3.1-405b", 405.853)] // ref total_params_B_derived 405.853
    [InlineData("llama-3.3-70b", 70.553706496)] // ref total_params_exact_derived 70,553,706,496
    [InlineData("mistral-7b", 7.242)] // ref total_params_B_derived 7.242 (card: 7.3B)
    [InlineData("mixtral-8x7b", 46.703)] // ref total_params_B_derived 46.703
    [InlineData("mixtral-8x22b", 140.621)] // ref total_params_B_derived 140.621
    [InlineData("qwen2.5-72b", 72.706)] // ref total_params_B_derived 72.706 (card 72.7B)
    [InlineData("qwen3-235b-a22b", 235.094)] // ref total_params_B_derived 235.094
    [InlineData("deepseek-v3", 671.026)] // ref total_params_B_derived 671.026 (README_WEIGHTS: 671B, MTP module excluded)
    [InlineData("deepseek-r1", 671.026)] // ref total_params_B_derived 671.026
    [InlineData("falcon-180b", 178.557088768)] // ref total_params_exact_derived 178,557,088,768 (tied lm_head)
    [InlineData("gemma-2-27b", 27.227)] // ref total_params_B_derived 27.227
    [InlineData("gemma-3-27b", 27.009346304)] // ref total_params_exact_derived 27,009,346,304 (text decoder only)
    [InlineData("gpt-j-6b", 6.050882784)] // ref total_params_exact_derived 6,050,882,784 (card 6,053,381,344)
    [InlineData("internlm-20b", 20.088714240)] // ref total_params_exact_derived 20,088,714,240
    [InlineData("llama-4-scout", 107.769861120)] // ref total_params_exact_derived 107,769,861,120 (text decoder only)
    [InlineData("llama-4-maverick", 400.711848960)] // ref total_params_exact_derived 400,711,848,960 (text decoder only)
    [InlineData("gpt-3-175b", 174.6)] // ref total_params_B_derived 174.6 (GPT-3 paper Table 2.1: 175.0B)
    [InlineData("qwen2.5-7b", 7.615616512)] // ref total_params_exact_derived 7,615,616,512 (card 7.61B)
    [InlineData("qwen2.5-14b", 14.770)] // not in ref: model card (Qwen/Qwen2.5-14B-Instruct README) states 14.7B; 14.770B is docs/formulas.md §1.1 on the config
    [InlineData("qwen2.5-32b", 32.763876352)] // ref total_params_exact_derived 32,763,876,352
    [InlineData("qwen3-0.6b", 0.596049920)] // not in ref: model card states 0.6B total / 0.44B non-embedding (596.0M - 155.6M embedding = 0.44B)
    [InlineData("qwen3-32b", 32.762123264)] // ref total_params_exact_derived 32,762,123,264 (card 32.8B)
    [InlineData("qwen3-30b-a3b", 30.532122624)] // ref total_params_exact_derived 30,532,122,624 (card 30.5B)
    [InlineData("gpt-oss-20b", 20.914757184)] // ref total_params_exact_derived 20,914,757,184 (card 20.9B)
    [InlineData("gpt-oss-120b", 116.829156672)] // ref total_params_exact_derived 116,829,156,672 (card 116.8B)
    [InlineData("mistral-small-3.2-24b", 23.572)] // not in ref: model card states 24B incl. the Pixtral vision tower; text decoder alone is 23.572B by docs/formulas.md §1.1
    public void TotalParameters_MatchesReference(string id, double expectedBillions)
    {
        var model = Catalog.FindModel(id);
        Assert.NotNull(model);

        var actual = model.Architecture.TotalParameters / 1e9;

        AssertWithin(expectedBillions, actual, id);
    }

    [Theory]
    [InlineData("mixtral-8x7b", 12.88)] // ref active_params_B_derived 12.88 (paper: 13B active)
    [InlineData("mixtral-8x22b", 39.152)] // ref active_params_B_derived 39.152 (39B active)
    [InlineData("qwen3-235b-a22b", 22.191)] // ref active_params_B_derived 22.191 (card: 22B activated)
    [InlineData("deepseek-v3", 37.552)] // ref active_params_B_derived 37.552 (incl. input embedding; card ~37B)
    [InlineData("deepseek-r1", 37.552)] // ref active_params_B_derived 37.552
    [InlineData("llama-4-scout", 17.173)] // ref active_params_B_derived 17.173 (17B active)
    [InlineData("llama-4-maverick", 17.185)] // ref active_params_B_derived 17.185 (17B active)
    [InlineData("qwen3-30b-a3b", 3.353)] // ref active_params_B_derived 3.353 (card: 3.3B activated)
    [InlineData("gpt-oss-20b", 4.187)] // ref active_params_B_derived 4.187 (3.6B excl. embedding per card)
    [InlineData("gpt-oss-120b", 5.712)] // ref active_params_B_derived 5.712 (5.1B excl. embedding per card)
    public void ActiveParameters_MatchesReference(string id, double expectedBillions)
    {
        var model = Catalog.FindModel(id);
        Assert.NotNull(model);
        Assert.True(model.Architecture.IsMoe, $"{id} should resolve as MoE");

        var actual = model.Architecture.ActiveParameters / 1e9;

        AssertWithin(expectedBillions, actual, id);
    }

    [Theory]
    [InlineData("llama-2-7b", 524288L)] // ref kv_cache_bytes_per_token_bf16_derived
    [InlineData("llama-2-13b", 819200L)] // ref
    [InlineData("llama-2-70b", 327680L)] // ref
    [InlineData("llama-3-8b", 131072L)] // ref
    [InlineData("llama-3-70b", 327680L)] // ref (docs/formulas.md §2(a): 320 KiB/token)
    [InlineData("llama-3.1-8b", 131072L)] // ref
    [InlineData("llama-3.1-70b", 327680L)] // ref
    [InlineData("llama-3.1-405b", 516096L)] // ref
    [InlineData("llama-3.3-70b", 327680L)] // ref
    [InlineData("mistral-7b", 131072L)] // ref
    [InlineData("mixtral-8x7b", 131072L)] // ref
    [InlineData("mixtral-8x22b", 229376L)] // ref
    [InlineData("qwen2.5-72b", 327680L)] // ref
    [InlineData("qwen3-235b-a22b", 192512L)] // ref
    [InlineData("deepseek-v3", 70272L)] // ref (MLA: 61 x 576 x 2)
    [InlineData("deepseek-r1", 70272L)] // ref
    [InlineData("falcon-180b", 163840L)] // ref
    [InlineData("gemma-2-27b", 376832L)] // ref
    [InlineData("gemma-3-27b", 507904L)] // ref
    [InlineData("gpt-j-6b", 458752L)] // ref
    [InlineData("internlm-20b", 1228800L)] // ref
    [InlineData("llama-4-scout", 196608L)] // ref
    [InlineData("llama-4-maverick", 196608L)] // ref
    [InlineData("gpt-3-175b", 4718592L)] // ref
    [InlineData("qwen2.5-7b", 57344L)] // ref
    [InlineData("qwen2.5-14b", 196608L)] // not in ref: docs/formulas.md §1.2, 2 x 48 x 8 x 128 x 2
    [InlineData("qwen2.5-32b", 262144L)] // ref
    [InlineData("qwen3-0.6b", 114688L)] // not in ref: docs/formulas.md §1.2, 2 x 28 x 8 x 128 x 2
    [InlineData("qwen3-32b", 262144L)] // ref
    [InlineData("qwen3-30b-a3b", 98304L)] // ref
    [InlineData("gpt-oss-20b", 49152L)] // ref (full-cache formula, sliding layers not capped)
    [InlineData("gpt-oss-120b", 73728L)] // ref (full-cache formula)
    [InlineData("mistral-small-3.2-24b", 163840L)] // not in ref: docs/formulas.md §1.2, 2 x 40 x 8 x 128 x 2
    public void KvCacheBytesPerToken_Bf16_MatchesReference(string id, long expectedBytes)
    {
        var model = Catalog.FindModel(id);
        Assert.NotNull(model);

        Assert.Equal(expectedBytes, model.Architecture.KvCacheBytesPerToken(Precision.Bf16).Value);
    }

    [Theory]
    [InlineData("llama-4-scout", 10_485_760)] // meta-llama/Llama-4-Scout-17B-16E config.json text_config
    [InlineData("llama-4-maverick", 1_048_576)] // meta-llama/Llama-4-Maverick-17B-128E config.json text_config
    [InlineData("llama-3.1-8b", 131_072)] // meta-llama/Llama-3.1-8B config.json
    [InlineData("llama-3.3-70b", 131_072)] // meta-llama/Llama-3.3-70B-Instruct config.json
    [InlineData("qwen3-32b", 40_960)] // Qwen/Qwen3-32B config.json (131072 only with YaRN rope_scaling)
    [InlineData("deepseek-r1", 163_840)] // deepseek-ai/DeepSeek-R1 config.json
    [InlineData("gpt-oss-120b", 131_072)] // openai/gpt-oss-120b config.json
    [InlineData("mixtral-8x7b", 32_768)] // mistralai/Mixtral-8x7B-v0.1 config.json
    [InlineData("gemma-3-27b", 131_072)] // google/gemma-3-27b-pt config.json text_config
    public void MaxPositionEmbeddings_MatchesPublishedConfig(string id, int expected)
    {
        var model = Catalog.FindModel(id);
        Assert.NotNull(model);

        Assert.Equal(expected, model.Architecture.MaxPositionEmbeddings);
    }

    private static void AssertWithin(double expected, double actual, string id)
    {
        var relative = Math.Abs(actual - expected) / expected;
        Assert.True(relative <= Tolerance, $"{id}: expected {expected:F4} B, got {actual:F4} B ({relative:P2} off)");
    }
}
