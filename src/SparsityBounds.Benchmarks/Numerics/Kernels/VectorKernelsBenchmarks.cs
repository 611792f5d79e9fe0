using BenchmarkDotNet.Attributes;
using SparsityBounds.Numerics.Kernels;

namespace SparsityBounds.Benchmarks.Numerics.Kernels;

/// <summary>SIMD kernels against their scalar twins at odd lengths (so the tails run).</summary>
[BenchmarkCategory("Kernels")]
public class VectorKernelsBenchmarks
{
    private double[] _hv = null!, _v = null!, _vPrev = null!, _r = null!;

    [Params(1_003, 6 * 512 + 7, 1_000_003)]
    public int Length;

    [GlobalSetup]
    public void Setup()
    {
        _hv = BenchData.Vector(Length, 1);
        _v = BenchData.Vector(Length, 2);
        _vPrev = BenchData.Vector(Length, 3);
        _r = new double[Length];
    }

    [Benchmark(Baseline = true)]
    public double LanczosResidualReference() => VectorKernels.Reference.LanczosResidual(_hv, _v, _vPrev, 0.3, 0.7, _r);

    [Benchmark]
    public double LanczosResidual() => VectorKernels.LanczosResidual(_hv, _v, _vPrev, 0.3, 0.7, _r);

    [Benchmark]
    public double DotReference() => VectorKernels.Reference.Dot(_hv, _v);

    [Benchmark]
    public double Dot() => VectorKernels.Dot(_hv, _v);
}
