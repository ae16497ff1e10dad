-- CreateTable
CREATE TABLE "MachineConfig" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "cpus" INTEGER NOT NULL,
    "nodes" INTEGER NOT NULL,
    "memoryMiB" INTEGER NOT NULL,
    "timed" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Vm" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "vcpus" INTEGER NOT NULL,
    "memoryMiB" INTEGER NOT NULL,
    "kernel" TEXT NOT NULL,
    "cmdline" TEXT NOT NULL DEFAULT '',
    "homeNode" INTEGER NOT NULL DEFAULT 0,
    "autostart" BOOLEAN NOT NULL DEFAULT false,
    "bootScript" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Disk" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "file" TEXT NOT NULL,
    "sizeBytes" INTEGER NOT NULL,
    "baseId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Disk_baseId_fkey" FOREIGN KEY ("baseId") REFERENCES "Disk" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "VmDisk" (
    "vmId" TEXT NOT NULL,
    "slot" INTEGER NOT NULL,
    "diskId" TEXT NOT NULL,

    PRIMARY KEY ("vmId", "slot"),
    CONSTRAINT "VmDisk_vmId_fkey" FOREIGN KEY ("vmId") REFERENCES "Vm" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "VmDisk_diskId_fkey" FOREIGN KEY ("diskId") REFERENCES "Disk" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Run" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "vmId" TEXT NOT NULL,
    "startedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "endedAt" DATETIME,
    "exitReason" TEXT,
    "exitCode" INTEGER,
    "detail" TEXT,
    "instructions" BIGINT NOT NULL DEFAULT 0,
    "cycles" BIGINT NOT NULL DEFAULT 0,
    "hostMs" INTEGER NOT NULL DEFAULT 0,
    "boots" INTEGER NOT NULL DEFAULT 0,
    "consoleBytes" INTEGER NOT NULL DEFAULT 0,
    "consoleTruncated" BOOLEAN NOT NULL DEFAULT false,
    CONSTRAINT "Run_vmId_fkey" FOREIGN KEY ("vmId") REFERENCES "Vm" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ConsoleChunk" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "runId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "offset" INTEGER NOT NULL,
    "data" BLOB NOT NULL,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ConsoleChunk_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Event" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "vmId" TEXT,
    "runId" TEXT,
    "detail" TEXT NOT NULL DEFAULT '{}'
);

-- CreateTable
CREATE TABLE "MetricSample" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "vmId" TEXT NOT NULL,
    "stepSeconds" INTEGER NOT NULL,
    "at" DATETIME NOT NULL,
    "instructions" BIGINT NOT NULL,
    "cycles" BIGINT NOT NULL,
    "hostMs" REAL NOT NULL
);

-- CreateTable
CREATE TABLE "ApiToken" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" DATETIME
);

-- CreateIndex
CREATE UNIQUE INDEX "Vm_name_key" ON "Vm"("name");

-- CreateIndex
CREATE UNIQUE INDEX "Disk_name_key" ON "Disk"("name");

-- CreateIndex
CREATE UNIQUE INDEX "Disk_file_key" ON "Disk"("file");

-- CreateIndex
CREATE INDEX "VmDisk_diskId_idx" ON "VmDisk"("diskId");

-- CreateIndex
CREATE INDEX "Run_vmId_startedAt_idx" ON "Run"("vmId", "startedAt");

-- CreateIndex
CREATE INDEX "Run_endedAt_idx" ON "Run"("endedAt");

-- CreateIndex
CREATE UNIQUE INDEX "ConsoleChunk_runId_seq_key" ON "ConsoleChunk"("runId", "seq");

-- CreateIndex
CREATE INDEX "Event_vmId_id_idx" ON "Event"("vmId", "id");

-- CreateIndex
CREATE INDEX "Event_kind_id_idx" ON "Event"("kind", "id");

-- CreateIndex
CREATE INDEX "MetricSample_stepSeconds_at_idx" ON "MetricSample"("stepSeconds", "at");

-- CreateIndex
CREATE UNIQUE INDEX "MetricSample_vmId_stepSeconds_at_key" ON "MetricSample"("vmId", "stepSeconds", "at");

-- CreateIndex
CREATE UNIQUE INDEX "ApiToken_name_key" ON "ApiToken"("name");

-- CreateIndex
CREATE UNIQUE INDEX "ApiToken_hash_key" ON "ApiToken"("hash");
