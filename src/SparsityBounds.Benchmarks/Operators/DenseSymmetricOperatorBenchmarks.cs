using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using MathNet.Numerics.LinearAlgebra;
using SparsityBounds.Operators;

namespace SparsityBounds.Benchmarks.Operators;

/// <summary>
/// Dense symmetric apply (y = A x) against a naive scalar loop (baseline), MathNet's managed multiply, and a
/// streaming read of the same D² doubles (the bandwidth bound) on one and on all cores.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Operators")]
public class DenseSymmetricOperatorBenchmarks
{
    private double[,] _matrix = null!;
    private double[] _flat = null!;
    private double[] _x = null!, _y = null!;
    private DenseSymmetricOperator _op = null!, _opSingle = null!;
    private Matrix<double> _mathNet = null!;
    private MathNet.Numerics.LinearAlgebra.Vector<double> _mx = null!, _my = null!;

    [Params(1000, 2047, 4000)]
    public int D;

    [GlobalSetup]
    public void Setup()
    {
        MathNet.Numerics.Control.UseManaged();
        _matrix = BenchData.Symmetric(D);
        _flat = new double[D * D];
        Buffer.BlockCopy(_matrix, 0, _flat, 0, _flat.Length * sizeof(double));
        _x = BenchData.Vector(D, 1);
        _y = new double[D];
        _op = new DenseSymmetricOperator(_matrix);
        _opSingle = new DenseSymmetricOperator(_matrix, maxDegreeOfParallelism: 1);
        _mathNet = Matrix<double>.Build.DenseOfArray(_matrix);
        _mx = MathNet.Numerics.LinearAlgebra.Vector<double>.Build.DenseOfArray(_x);
        _my = MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(D);
    }

    [Benchmark(Baseline = true)]
    public double NaiveLoop()
    {
        int n = D;
        for (int i = 0; i < n; i++)
        {
            double s = 0;
            for (int j = 0; j < n; j++) s += _matrix[i, j] * _x[j];
            _y[i] = s;
        }
        return _y[0];
    }

    [Benchmark]
    public double MathNetMultiply() { _mathNet.Multiply(_mx, _my); return _my[0]; }

    [Benchmark]
    public double ApplySingleThread() { _opSingle.Apply(_x, _y); return _y[0]; }

    [Benchmark]
    public double Apply() { _op.Apply(_x, _y); return _y[0]; }

    /// <summary>Reads the D² doubles once on one core: the single-core bandwidth bound of Apply.</summary>
    [Benchmark]
    public double StreamReadSingleThread() => TensorPrimitives.Sum<double>(_flat);

    /// <summary>Reads the D² doubles once, split over all cores: the bandwidth bound of the parallel Apply.</summary>
    [Benchmark]
    public double StreamRead()
    {
        int chunks = Environment.ProcessorCount;
        var partial = new double[chunks];
        Parallel.For(0, chunks, c =>
        {
            int start = (int)((long)_flat.Length * c / chunks), end = (int)((long)_flat.Length * (c + 1) / chunks);
            partial[c] = TensorPrimitives.Sum<double>(_flat.AsSpan(start, end - start));
        });
        return partial.Sum();
    }
}
