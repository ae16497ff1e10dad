-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_MetricSample" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "vmId" TEXT NOT NULL,
    "stepSeconds" INTEGER NOT NULL,
    "at" DATETIME NOT NULL,
    "instructions" BIGINT NOT NULL,
    "cycles" BIGINT NOT NULL,
    "hostMs" REAL NOT NULL,
    "cyclesUser" REAL NOT NULL DEFAULT 0,
    "cyclesKernel" REAL NOT NULL DEFAULT 0,
    "cyclesMonitor" REAL NOT NULL DEFAULT 0,
    "cyclesIdle" REAL NOT NULL DEFAULT 0,
    "tlbMisses" REAL NOT NULL DEFAULT 0,
    "l2tlbHits" REAL NOT NULL DEFAULT 0,
    "traps" REAL NOT NULL DEFAULT 0,
    "cacheLocalMisses" REAL NOT NULL DEFAULT 0,
    "cacheRemoteMisses" REAL NOT NULL DEFAULT 0,
    "diskCommands" REAL NOT NULL DEFAULT 0,
    "diskSectors" REAL NOT NULL DEFAULT 0,
    "consoleBytesOut" REAL NOT NULL DEFAULT 0,
    "consoleBytesIn" REAL NOT NULL DEFAULT 0,
    "numaHotPages" REAL NOT NULL DEFAULT 0,
    "numaMigrations" REAL NOT NULL DEFAULT 0,
    "numaReplications" REAL NOT NULL DEFAULT 0,
    "numaCollapses" REAL NOT NULL DEFAULT 0,
    "pagesRemapped" REAL NOT NULL DEFAULT 0,
    "cowCopies" REAL NOT NULL DEFAULT 0,
    "netFramesSent" REAL NOT NULL DEFAULT 0,
    "netFramesReceived" REAL NOT NULL DEFAULT 0,
    "netBytesCopied" REAL NOT NULL DEFAULT 0,
    "netBytesRemapped" REAL NOT NULL DEFAULT 0,
    "netDrops" REAL NOT NULL DEFAULT 0,
    "replicaPages" REAL NOT NULL DEFAULT 0,
    "sharedPages" REAL NOT NULL DEFAULT 0
);
INSERT INTO "new_MetricSample" ("at", "cacheLocalMisses", "cacheRemoteMisses", "consoleBytesIn", "consoleBytesOut", "cycles", "cyclesIdle", "cyclesKernel", "cyclesMonitor", "cyclesUser", "diskCommands", "diskSectors", "hostMs", "id", "instructions", "l2tlbHits", "stepSeconds", "tlbMisses", "traps", "vmId") SELECT "at", "cacheLocalMisses", "cacheRemoteMisses", "consoleBytesIn", "consoleBytesOut", "cycles", "cyclesIdle", "cyclesKernel", "cyclesMonitor", "cyclesUser", "diskCommands", "diskSectors", "hostMs", "id", "instructions", "l2tlbHits", "stepSeconds", "tlbMisses", "traps", "vmId" FROM "MetricSample";
DROP TABLE "MetricSample";
ALTER TABLE "new_MetricSample" RENAME TO "MetricSample";
CREATE INDEX "MetricSample_stepSeconds_at_idx" ON "MetricSample"("stepSeconds", "at");
CREATE UNIQUE INDEX "MetricSample_vmId_stepSeconds_at_key" ON "MetricSample"("vmId", "stepSeconds", "at");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
