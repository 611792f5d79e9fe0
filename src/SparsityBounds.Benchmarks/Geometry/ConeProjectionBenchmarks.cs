using BenchmarkDotNet.Attributes;
using SparsityBounds.Geometry;
using SparsityBounds.Numerics;

namespace SparsityBounds.Benchmarks.Geometry;

/// <summary>
/// Cost of one Euclidean projection per cone, relative to the orthant (one pass, max(x, 0)) in the same run. The
/// ellipsoid cone is the expensive one (nested one-dimensional root finds); this shows what a Monte Carlo δ of a
/// sublevel-set cone costs per sample. Inputs are fixed Gaussian vectors.
/// </summary>
[MemoryDiagnoser]
public class ConeProjectionBenchmarks
{
    [Params(200, 2_001)] public int Dimension;

    private double[] _x = [], _result = [];
    private IConvexCone _orthant = null!, _circular = null!, _l1 = null!, _monotone = null!, _ellipsoid = null!;

    [GlobalSetup]
    public void Setup()
    {
        _x = new double[Dimension];
        _result = new double[Dimension];
        CounterRandom.FillGaussian(seed: 42, stream: 0, _x);
        _orthant = new NonnegativeOrthant(Dimension);
        _circular = new CircularCone(Dimension, 0.6);
        _l1 = L1DescentCone.AtSparsePoint(Dimension, Dimension / 20);
        _monotone = new MonotoneCone(Dimension);
        var eigenvalues = new double[Dimension];
        var direction = new double[Dimension];
        for (int i = 0; i < Dimension; i++)
        {
            eigenvalues[i] = Math.Pow(10, 4 * CounterRandom.Uniform(42, 1, i) - 3);   // log-uniform 1e-3 … 10
            direction[i] = CounterRandom.Gaussian(42, 2, i);
        }
        // R such that Σ|λᵢ|cᵢ²/(2ε) = 4 (sin β = ½), ε = ½.
        double curvature = 0, norm2 = 0;
        for (int i = 0; i < Dimension; i++) { curvature += eigenvalues[i] * direction[i] * direction[i]; norm2 += direction[i] * direction[i]; }
        _ellipsoid = EllipsoidCone.FromSublevelSet(eigenvalues, 0.5, Math.Sqrt(4 * norm2 / curvature), direction);
    }

    [Benchmark(Baseline = true)] public void Orthant() => _orthant.Project(_x, _result);
    [Benchmark] public void Circular() => _circular.Project(_x, _result);
    [Benchmark] public void L1Descent() => _l1.Project(_x, _result);
    [Benchmark] public void Monotone() => _monotone.Project(_x, _result);
    [Benchmark] public void Ellipsoid() => _ellipsoid.Project(_x, _result);
}
