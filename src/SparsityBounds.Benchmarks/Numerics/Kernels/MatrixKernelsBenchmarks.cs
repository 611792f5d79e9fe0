using BenchmarkDotNet.Attributes;
using SparsityBounds.Numerics.Kernels;

namespace SparsityBounds.Benchmarks.Numerics.Kernels;

/// <summary>The three MLP GEMM shapes at one 64-sample block of a 128-wide layer fed by 128 (and an odd 61) inputs,
/// register-tiled SIMD (Vector512 and Vector256 tiles) against the scalar twin (baseline).</summary>
[MemoryDiagnoser]
[BenchmarkCategory("Kernels")]
public class MatrixKernelsBenchmarks
{
    private double[] _a = null!, _b = null!, _c = null!;

    [Params(128, 61)]
    public int Inputs { get; set; }

    /// <summary>Vector512 tiles (8 × 16) or Vector256 tiles (4 × 8); the scalar twins ignore it.</summary>
    [Params(true, false)]
    public bool Vector512 { get; set; }

    private const int Rows = 64, Outputs = 128;

    [GlobalSetup]
    public void Setup()
    {
        MatrixKernels.UseVector512 = Vector512 && System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated;
        var rng = new Random(42);
        _a = Enumerable.Range(0, Rows * Math.Max(Inputs, Outputs)).Select(_ => rng.NextDouble()).ToArray();
        _b = Enumerable.Range(0, Outputs * Math.Max(Inputs, Rows)).Select(_ => rng.NextDouble()).ToArray();
        _c = new double[Math.Max(Rows, Outputs) * Math.Max(Inputs, Outputs)];
    }

    // Forward: Z[64 × 128] += A[64 × in] · W[128 × in]ᵀ.
    [Benchmark(Baseline = true)]
    public void ForwardReference() => MatrixKernels.Reference.MultiplyAddTransposedB(Rows, Outputs, Inputs, _a, Inputs, _b, Inputs, _c, Outputs);

    [Benchmark]
    public void Forward() => MatrixKernels.MultiplyAddTransposedB(Rows, Outputs, Inputs, _a, Inputs, _b, Inputs, _c, Outputs);

    // Weight gradient: G[128 × in] += Δ[64 × 128]ᵀ · A[64 × in].
    [Benchmark]
    public void WeightGradientReference() => MatrixKernels.Reference.MultiplyAddTransposedA(Outputs, Inputs, Rows, _a, Outputs, _b, Inputs, _c, Inputs);

    [Benchmark]
    public void WeightGradient() => MatrixKernels.MultiplyAddTransposedA(Outputs, Inputs, Rows, _a, Outputs, _b, Inputs, _c, Inputs);

    // Back-propagation: Δ'[64 × in] = Δ[64 × 128] · W[128 × in].
    [Benchmark]
    public void BackPropagationReference() => MatrixKernels.Reference.MultiplyAdd(Rows, Inputs, Outputs, _a, Outputs, _b, Inputs, _c, Inputs, accumulate: false);

    [Benchmark]
    public void BackPropagation() => MatrixKernels.Multiply(Rows, Inputs, Outputs, _a, Outputs, _b, Inputs, _c, Inputs);
}
