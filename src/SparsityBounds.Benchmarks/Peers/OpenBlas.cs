using System.Reflection;
using System.Runtime.InteropServices;

namespace SparsityBounds.Benchmarks.Peers;

/// <summary>
/// P/Invoke to the system OpenBLAS (Debian: <c>apt-get install -y libopenblas0</c>), the native peer of the dense
/// symmetric apply. Benchmarks only: the library itself stays managed.
/// </summary>
internal static partial class OpenBlas
{
    private const string Library = "openblas";
    private const int RowMajor = 101, NoTrans = 111, Upper = 121;

    static OpenBlas()
    {
        NativeLibrary.SetDllImportResolver(typeof(OpenBlas).Assembly, Resolve);
    }

    /// <summary>True when libopenblas.so.0 could be loaded.</summary>
    internal static bool IsAvailable
    {
        get
        {
            try
            {
                return openblas_get_num_threads() > 0;
            }
            catch (DllNotFoundException)
            {
                return false;
            }
        }
    }

    internal static string Description => IsAvailable ? $"OpenBLAS {Marshal.PtrToStringAnsi(openblas_get_config())}" : "OpenBLAS not installed";

    internal static void SetThreads(int threads) => openblas_set_num_threads(threads);

    /// <summary>y = A x with A symmetric n × n, reading its upper triangle (row-major storage).</summary>
    internal static unsafe void Dsymv(int n, double[] a, double[] x, double[] y)
    {
        fixed (double* pa = a, px = x, py = y)
            cblas_dsymv(RowMajor, Upper, n, 1.0, pa, n, px, 1, 0.0, py, 1);
    }

    /// <summary>y = A x with A a general n × n row-major matrix (reads all of it).</summary>
    internal static unsafe void Dgemv(int n, double[] a, double[] x, double[] y)
    {
        fixed (double* pa = a, px = x, py = y)
            cblas_dgemv(RowMajor, NoTrans, n, n, 1.0, pa, n, px, 1, 0.0, py, 1);
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path)
    {
        if (name != Library) return IntPtr.Zero;
        foreach (string candidate in new[] { "libopenblas.so.0", "/usr/lib/x86_64-linux-gnu/libopenblas.so.0", "libopenblas.so", "libopenblas" })
            if (NativeLibrary.TryLoad(candidate, out IntPtr handle)) return handle;
        return IntPtr.Zero;
    }

    [LibraryImport(Library)]
    private static partial void openblas_set_num_threads(int threads);

    [LibraryImport(Library)]
    private static partial int openblas_get_num_threads();

    [LibraryImport(Library)]
    private static partial IntPtr openblas_get_config();

    [LibraryImport(Library)]
    private static unsafe partial void cblas_dsymv(int order, int uplo, int n, double alpha, double* a, int lda,
        double* x, int incx, double beta, double* y, int incy);

    [LibraryImport(Library)]
    private static unsafe partial void cblas_dgemv(int order, int trans, int m, int n, double alpha, double* a, int lda,
        double* x, int incx, double beta, double* y, int incy);
}
