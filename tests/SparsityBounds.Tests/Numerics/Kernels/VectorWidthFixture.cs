using SparsityBounds.Numerics.Kernels;

namespace SparsityBounds.Tests.Numerics.Kernels;

/// <summary>
/// Base of the kernel fixtures that run every case on the Vector512 path (where the machine has it) and on the Vector256
/// path: derived fixtures carry <c>[TestFixture(true)]</c> and <c>[TestFixture(false)]</c>; the switch is restored after
/// each test.
/// </summary>
public abstract class VectorWidthFixture(bool useVector512)
{
    private bool _saved;

    [SetUp]
    public void SelectPath()
    {
        _saved = MatrixKernels.UseVector512;
        MatrixKernels.UseVector512 = useVector512 && System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated;
    }

    [TearDown]
    public void RestorePath() => MatrixKernels.UseVector512 = _saved;
}
