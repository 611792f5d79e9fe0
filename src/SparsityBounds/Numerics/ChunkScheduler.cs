using System.Runtime.ExceptionServices;

namespace SparsityBounds.Numerics;

/// <summary>A unit of parallel work cut into a fixed number of chunks; each chunk writes only its own outputs.</summary>
internal interface IChunkJob
{
    /// <summary>Runs chunk <paramref name="chunk"/>. Called at most once per chunk per <see cref="ChunkScheduler.Run"/>, from any thread.</summary>
    void RunChunk(int chunk);
}

/// <summary>
/// Runs the chunks of an <see cref="IChunkJob"/> on the calling thread plus a process-wide set of dedicated
/// worker threads, without allocating: the hot path (a Hessian-vector product inside a Lanczos loop) must not
/// produce garbage, which <see cref="Parallel.For(int, int, Action{int})"/> does.
/// </summary>
/// <remarks>
/// <para>Determinism is the caller's part: chunks must be a fixed partition of the work whose results do not
/// depend on which thread runs them, combined afterwards in chunk order. Which thread runs which chunk varies.</para>
/// <para>Implementation note: one job runs at a time. A call that finds the workers busy (another job, or a
/// nested call from inside a chunk) runs its chunks sequentially on its own thread, which is still correct and
/// deterministic. Workers are background threads started on first use (processor count − 1 of them) and parked on
/// a semaphore between jobs; the caller waits until every worker it woke has finished, so no worker can touch
/// a job after <see cref="Run"/> returns.</para>
/// </remarks>
internal static class ChunkScheduler
{
    private static readonly object StartLock = new();
    private static readonly SemaphoreSlim Wake = new(0);
    // A semaphore rather than a ManualResetEventSlim: its lock object exists from construction, so even the first
    // blocking wait allocates nothing.
    private static readonly SemaphoreSlim Done = new(0);
    private static int s_workerCount = -1;
    private static int s_busy;
    private static IChunkJob? s_job;
    private static int s_chunkCount;
    private static int s_nextChunk;
    private static int s_pendingWorkers;
    private static ExceptionDispatchInfo? s_error;

    /// <summary>Runs chunks 0..<paramref name="chunkCount"/>−1 of <paramref name="job"/> with at most
    /// <paramref name="maxDegreeOfParallelism"/> threads (≤ 0: all processors); returns when all have finished.
    /// The first exception thrown by a chunk is rethrown here. When the chunks run on the calling thread alone (one
    /// thread allowed, or the workers busy), <paramref name="lastFirstWhenSequential"/> runs them from the last to the
    /// first: a job whose chunks reread what the previous call's last chunks touched starts on what is still in cache.</summary>
    internal static void Run(IChunkJob job, int chunkCount, int maxDegreeOfParallelism, bool lastFirstWhenSequential = false)
    {
        if (chunkCount <= 0) return;
        int processors = Environment.ProcessorCount;
        int threads = maxDegreeOfParallelism <= 0 ? processors : Math.Min(maxDegreeOfParallelism, processors);
        threads = Math.Min(threads, chunkCount);
        if (threads <= 1 || Interlocked.CompareExchange(ref s_busy, 1, 0) != 0)
        {
            if (lastFirstWhenSequential) for (int c = chunkCount - 1; c >= 0; c--) job.RunChunk(c);
            else for (int c = 0; c < chunkCount; c++) job.RunChunk(c);
            return;
        }
        try
        {
            int helpers = Math.Min(threads - 1, EnsureWorkers());
            s_job = job;
            s_chunkCount = chunkCount;
            s_nextChunk = -1;
            s_error = null;
            s_pendingWorkers = helpers;
            if (helpers > 0) Wake.Release(helpers);
            Work();
            if (helpers > 0) Done.Wait();
            s_job = null;
            s_error?.Throw();
        }
        finally
        {
            Volatile.Write(ref s_busy, 0);
        }
    }

    private static void Work()
    {
        IChunkJob job = s_job!;
        int count = s_chunkCount;
        int chunk;
        while ((chunk = Interlocked.Increment(ref s_nextChunk)) < count)
        {
            try
            {
                job.RunChunk(chunk);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref s_error, ExceptionDispatchInfo.Capture(e), null);
            }
        }
    }

    private static int EnsureWorkers()
    {
        int count = Volatile.Read(ref s_workerCount);
        if (count >= 0) return count;
        lock (StartLock)
        {
            if (s_workerCount >= 0) return s_workerCount;
            count = Math.Max(0, Environment.ProcessorCount - 1);
            for (int i = 0; i < count; i++)
            {
                var thread = new Thread(WorkerLoop) { IsBackground = true, Name = "SparsityBounds worker " + i };
                thread.Start();
            }
            Volatile.Write(ref s_workerCount, count);
            return count;
        }
    }

    private static void WorkerLoop()
    {
        while (true)
        {
            Wake.Wait();
            Work();
            if (Interlocked.Decrement(ref s_pendingWorkers) == 0) Done.Release();
        }
    }
}
