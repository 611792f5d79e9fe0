using BenchmarkDotNet.Attributes;
using SparsityBounds.Numerics;
using SparsityBounds.Operators;
using SparsityBounds.Spectral;

namespace SparsityBounds.Benchmarks.Spectral;

/// <summary>
/// Cost of the Lanczos process itself, apart from the operator: <see cref="Steps"/> steps on a diagonal operator
/// (the cheapest possible product, one pass over D), against a baseline that only applies the operator
/// <see cref="Steps"/> times. (Lanczos − baseline) / Steps is the per-step overhead excluding the HVP.
/// The <c>*_NewProcess</c> rows include construction, so [MemoryDiagnoser] shows the memory with and without a stored basis.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Spectral")]
public class LanczosBenchmarks
{
    public const int Steps = 20;

    [Params(100_000, 1_000_000)]
    public int Dimension;

    private DiagonalOperator _operator = null!;
    private double[] _start = null!;
    private double[] _product = null!;
    private LanczosProcess _recurrence = null!;
    private LanczosProcess _full = null!;
    private LanczosProcess _partial = null!;
    private LanczosProcess _fullSingle = null!;
    private LanczosProcess _fullSerial = null!;

    [GlobalSetup]
    public void Setup()
    {
        var diagonal = new double[Dimension];
        for (int i = 0; i < Dimension; i++) diagonal[i] = 1.0 + (i % 1009) / 1009.0;
        _operator = new DiagonalOperator(diagonal);
        _start = new double[Dimension];
        CounterRandom.FillRademacher(42, 0, _start);
        _product = new double[Dimension];
        _recurrence = new LanczosProcess(_operator, _start, new LanczosOptions { Steps = Steps, Reorthogonalization = Reorthogonalization.None });
        _full = new LanczosProcess(_operator, _start, new LanczosOptions { Steps = Steps, Reorthogonalization = Reorthogonalization.Full });
        _full.Run(); // allocate the basis once
        _partial = new LanczosProcess(_operator, _start, new LanczosOptions { Steps = Steps, Reorthogonalization = Reorthogonalization.Partial });
        _partial.Run();
        _fullSingle = new LanczosProcess(_operator, _start, new LanczosOptions { Steps = Steps, Reorthogonalization = Reorthogonalization.Full, BasisPrecision = BasisPrecision.Single });
        _fullSingle.Run();
        _fullSerial = new LanczosProcess(_operator, _start, new LanczosOptions { Steps = Steps, Reorthogonalization = Reorthogonalization.Full, MaxDegreeOfParallelism = 1 });
        _fullSerial.Run();
    }

    [Benchmark(Baseline = true)]
    public void OperatorOnly()
    {
        for (int s = 0; s < Steps; s++) _operator.Apply(_start, _product);
    }

    [Benchmark]
    public int Recurrence() => RunAgain(_recurrence);

    [Benchmark]
    public int FullReorthogonalization() => RunAgain(_full);

    /// <summary>Partial reorthogonalisation: Simon's ω recurrence every step, a pass over the basis only when triggered.</summary>
    [Benchmark]
    public int PartialReorthogonalization() => RunAgain(_partial);

    /// <summary>Full reorthogonalisation against a float32 basis (half the bytes per pass), all threads.</summary>
    [Benchmark]
    public int FullReorthogonalization_SingleBasis() => RunAgain(_fullSingle);

    /// <summary>Full reorthogonalisation, double basis, passes on one thread.</summary>
    [Benchmark]
    public int FullReorthogonalization_OneThread() => RunAgain(_fullSerial);

    [Benchmark]
    public int Recurrence_NewProcess() => RunNew(new LanczosOptions { Steps = Steps, Reorthogonalization = Reorthogonalization.None });

    [Benchmark]
    public int Recurrence_KeepBasis_NewProcess() => RunNew(new LanczosOptions { Steps = Steps, Reorthogonalization = Reorthogonalization.None, KeepBasis = true });

    [Benchmark]
    public int FullReorthogonalization_NewProcess() => RunNew(new LanczosOptions { Steps = Steps, Reorthogonalization = Reorthogonalization.Full });

    private int RunAgain(LanczosProcess process)
    {
        process.Restart(_start);
        process.Run();
        return process.Steps;
    }

    private int RunNew(LanczosOptions options)
    {
        var process = new LanczosProcess(_operator, _start, options);
        process.Run();
        return process.Steps;
    }
}
