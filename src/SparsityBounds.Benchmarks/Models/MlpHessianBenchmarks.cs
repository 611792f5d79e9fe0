using BenchmarkDotNet.Attributes;
using SparsityBounds.Models;
using SparsityBounds.Operators;

namespace SparsityBounds.Benchmarks.Models;

/// <summary>
/// The HVP hot path at the end-to-end size: a [64, 256, 256, 10] ReLU MLP (D = 85,002) on all 1,797 digits, on one and
/// on two threads. Baseline: the full-batch gradient. Also: the 8-direction product (ApplyMany), the primal pass
/// (operator construction), the same products in <see cref="ProductPrecision.Single"/> (float32 GEMMs, double accumulation),
/// and a register-resident Vector512 FMA loop (the reachable peak: its time per flop, against
/// the HVP's, gives the HVP's fraction of peak in the same run).
/// </summary>
/// <remarks>FMAs per sample of one cached HVP: 2·n₁n₀ + 6·n₂n₁ + 6·n₃n₂ = 441,344; of a gradient
/// 2·(n₁n₀ + n₂n₁ + n₃n₂) + n₂n₁ + n₃n₂ = 237,056 (THEORY.md §5).</remarks>
[MemoryDiagnoser]
[BenchmarkCategory("Models")]
public class MlpHessianBenchmarks
{
    private MlpObjective _objective = null!;
    private ISymmetricOperator _hessian = null!;
    private IBlockSymmetricOperator _block = null!;
    private IBlockSymmetricOperator _single = null!;
    private double[] _parameters = null!, _gradient = null!, _direction = null!, _product = null!;
    private double[] _directions = null!, _products = null!;

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var model = new Mlp([64, 256, 256, 10], Activation.Relu);
        _objective = new MlpObjective(model, SampleData.Digits(), Loss.SoftmaxCrossEntropy, l1Penalty: 1e-4) { MaxDegreeOfParallelism = Threads };
        _parameters = model.InitializeParameters(seed: 1);
        int d = model.ParameterCount;
        _gradient = new double[d];
        _direction = model.InitializeParameters(seed: 2);
        _product = new double[d];
        _directions = new double[8 * d];
        for (int j = 0; j < 8; j++) model.InitializeParameters(seed: 10 + j).CopyTo(_directions, j * d);
        _products = new double[8 * d];
        _hessian = _objective.Hessian(_parameters);
        _block = (IBlockSymmetricOperator)_hessian;
        var singleObjective = new MlpObjective(model, SampleData.Digits(), Loss.SoftmaxCrossEntropy, l1Penalty: 1e-4)
        {
            MaxDegreeOfParallelism = Threads,
            ProductPrecision = ProductPrecision.Single,
        };
        _single = (IBlockSymmetricOperator)singleObjective.Hessian(_parameters);
    }

    [Benchmark(Baseline = true)]
    public double Gradient() => _objective.Gradient(_parameters, _gradient);

    [Benchmark]
    public void HessianVectorProduct() => _hessian.Apply(_direction, _product);

    [Benchmark]
    public void HessianVectorProducts2() => _block.ApplyMany(_directions.AsSpan(0, 2 * _product.Length), _products.AsSpan(0, 2 * _product.Length), 2);

    [Benchmark]
    public void HessianVectorProducts8() => _block.ApplyMany(_directions, _products, 8);

    [Benchmark]
    public void HessianVectorProductSingle() => _single.Apply(_direction, _product);

    [Benchmark]
    public void HessianVectorProducts8Single() => _single.ApplyMany(_directions, _products, 8);

    [Benchmark]
    public ISymmetricOperator HessianConstruction() => _objective.Hessian(_parameters);

    /// <summary>12 × 2²⁰ Vector512 FMAs = 201 MFLOP per thread, register-resident, on <see cref="Threads"/> threads.</summary>
    [Benchmark]
    public void FmaPeakLoop()
    {
        if (Threads == 1) FmaPeak.Loop512(1L << 20);
        else Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, _ => FmaPeak.Loop512(1L << 20));
    }
}
