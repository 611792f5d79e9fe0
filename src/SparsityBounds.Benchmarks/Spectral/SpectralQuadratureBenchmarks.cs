using BenchmarkDotNet.Attributes;
using SparsityBounds.Operators;
using SparsityBounds.Spectral;

namespace SparsityBounds.Benchmarks.Spectral;

/// <summary>
/// Re-evaluating a cached spectrum (what the pruning fixed point does thousands of times): one spectral sum over
/// 10 probes × 100 nodes, through a delegate (baseline) and through a struct <see cref="ISpectralFunction"/>.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Spectral")]
public class SpectralQuadratureBenchmarks
{
    private SpectralQuadrature _quadrature = null!;
    private readonly Func<double, double> _delegate = x => 2e-3 / (2e-3 + Math.Abs(x) * 0.25);

    [GlobalSetup]
    public void Setup()
    {
        var diagonal = new double[20_000];
        for (int i = 0; i < diagonal.Length; i++) diagonal[i] = Math.Sin(i) * Math.Exp(-i / 5000.0);
        _quadrature = StochasticLanczosQuadrature.Estimate(new DiagonalOperator(diagonal), SlqOptions.Default);
    }

    [Benchmark(Baseline = true)]
    public double SpectralSum_Delegate() => _quadrature.SpectralSum(_delegate).Value;

    [Benchmark]
    public double SpectralSum_Struct() => _quadrature.SpectralSum(new WidthTerm(2e-3, 0.25)).Value;

    private readonly struct WidthTerm(double twoEpsilon, double distanceSquared) : ISpectralFunction
    {
        public double Evaluate(double eigenvalue) => twoEpsilon / (twoEpsilon + Math.Abs(eigenvalue) * distanceSquared);
    }
}
