using BenchmarkDotNet.Attributes;
using SparsityBounds.Models;
using SparsityBounds.Operators;

namespace SparsityBounds.Benchmarks.Models;

/// <summary>
/// The library's hot path: Hessian-vector and Gauss–Newton products of a [64, 128, 128, 10] MLP over all 1,797 digits
/// (D = 26,122), against a full-batch gradient (the baseline, so the ratio column reads "HVP = k × gradient").
/// Acceptance (issue 3): HVP / gradient ≤ 2.0 and GGN / gradient ≤ 1.5 with the primal pass cached, 0 B per product.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Models")]
public class MlpObjectiveBenchmarks
{
    private MlpObjective _objective = null!;
    private ISymmetricOperator _hessian = null!;
    private ISymmetricOperator _gaussNewton = null!;
    private double[] _parameters = null!;
    private double[] _gradient = null!;
    private double[] _direction = null!;
    private double[] _product = null!;

    [Params(Activation.Relu, Activation.Tanh)]
    public Activation Activation { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var model = new Mlp([64, 128, 128, 10], Activation);
        _objective = new MlpObjective(model, SampleData.Digits(), Loss.SoftmaxCrossEntropy, l1Penalty: 1e-4);
        _parameters = model.InitializeParameters(seed: 1);
        _gradient = new double[model.ParameterCount];
        _direction = model.InitializeParameters(seed: 2);
        _product = new double[model.ParameterCount];
        _hessian = _objective.Hessian(_parameters);
        _gaussNewton = _objective.GaussNewton(_parameters);
    }

    [Benchmark(Baseline = true)]
    public double Gradient() => _objective.Gradient(_parameters, _gradient);

    [Benchmark]
    public void HessianVectorProduct() => _hessian.Apply(_direction, _product);

    [Benchmark]
    public void GaussNewtonVectorProduct() => _gaussNewton.Apply(_direction, _product);

    [Benchmark]
    public ISymmetricOperator HessianConstruction() => _objective.Hessian(_parameters);

    [Benchmark]
    public double Value() => _objective.Value(_parameters);
}
