using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using MathNet.Numerics.LinearAlgebra;
using SparsityBounds.Benchmarks.Peers;
using SparsityBounds.Operators;

namespace SparsityBounds.Benchmarks.Operators;

/// <summary>
/// Dense symmetric apply (y = A x) against a naive scalar loop (baseline), MathNet's managed multiply, OpenBLAS
/// <c>cblas_dsymv</c> (reads the upper triangle, like Apply) and <c>cblas_dgemv</c> (reads all of A) at the same thread
/// count, and a streaming read of the bytes Apply reads (the bandwidth bound) on the same threads.
/// </summary>
/// <remarks>Threads = 1 or 2 caps Apply (maxDegreeOfParallelism), OpenBLAS (openblas_set_num_threads) and the stream
/// read alike; the naive loop and MathNet are single-threaded in both groups.</remarks>
[MemoryDiagnoser]
[BenchmarkCategory("Operators")]
public class DenseSymmetricOperatorBenchmarks
{
    private double[,] _matrix = null!;
    private double[] _flat = null!, _stream = null!;
    private double[] _x = null!, _y = null!;
    private DenseSymmetricOperator _op = null!, _opSingle = null!;
    private Matrix<double> _mathNet = null!;
    private MathNet.Numerics.LinearAlgebra.Vector<double> _mx = null!, _my = null!;

    [Params(1000, 2047, 4000)]
    public int D;

    [Params(1, 2)]
    public int Threads;

    [GlobalSetup]
    public void Setup()
    {
        MathNet.Numerics.Control.UseManaged();
        _matrix = BenchData.Symmetric(D);
        _flat = new double[D * D];
        Buffer.BlockCopy(_matrix, 0, _flat, 0, _flat.Length * sizeof(double));
        _x = BenchData.Vector(D, 1);
        _y = new double[D];
        _op = new DenseSymmetricOperator(_matrix, maxDegreeOfParallelism: Threads);
        _opSingle = DenseSymmetricOperator.Create(_matrix, DenseStorage.Single, maxDegreeOfParallelism: Threads);
        _stream = new double[_op.StoredBytes / sizeof(double)];
        _stream.AsSpan().Fill(1.0);
        _mathNet = Matrix<double>.Build.DenseOfArray(_matrix);
        _mx = MathNet.Numerics.LinearAlgebra.Vector<double>.Build.DenseOfArray(_x);
        _my = MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(D);
        if (OpenBlas.IsAvailable) OpenBlas.SetThreads(Threads);
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
    public double OpenBlasDsymv() { OpenBlas.Dsymv(D, _flat, _x, _y); return _y[0]; }

    [Benchmark]
    public double OpenBlasDgemv() { OpenBlas.Dgemv(D, _flat, _x, _y); return _y[0]; }

    [Benchmark]
    public double Apply() { _op.Apply(_x, _y); return _y[0]; }

    [Benchmark]
    public double ApplySingleStorage() { _opSingle.Apply(_x, _y); return _y[0]; }

    /// <summary>Reads as many bytes as Apply (the packed upper triangle, doubles) once on <see cref="Threads"/> cores: the bandwidth bound.</summary>
    [Benchmark]
    public double StreamRead() => Bandwidth.ParallelSum(_stream, Threads);
}
