-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_VmDisk" (
    "vmId" TEXT NOT NULL,
    "slot" INTEGER NOT NULL,
    "diskId" TEXT NOT NULL,
    "mode" TEXT NOT NULL DEFAULT 'private',
    "overlayFile" TEXT,

    PRIMARY KEY ("vmId", "slot"),
    CONSTRAINT "VmDisk_vmId_fkey" FOREIGN KEY ("vmId") REFERENCES "Vm" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "VmDisk_diskId_fkey" FOREIGN KEY ("diskId") REFERENCES "Disk" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_VmDisk" ("diskId", "slot", "vmId") SELECT "diskId", "slot", "vmId" FROM "VmDisk";
DROP TABLE "VmDisk";
ALTER TABLE "new_VmDisk" RENAME TO "VmDisk";
CREATE INDEX "VmDisk_diskId_idx" ON "VmDisk"("diskId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
