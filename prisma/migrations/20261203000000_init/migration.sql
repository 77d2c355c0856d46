-- CreateTable
CREATE TABLE "organizations" (
    "id" TEXT NOT NULL,
    "title" VARCHAR(256) NOT NULL,
    "description" VARCHAR(4096),
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_by" TEXT NOT NULL,
    "created_on" TIMESTAMPTZ(3) NOT NULL,
    "last_modified_by" TEXT NOT NULL,
    "last_modified_on" TIMESTAMPTZ(3) NOT NULL,
    "seq" BIGSERIAL NOT NULL,

    CONSTRAINT "organizations_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "organizations_seq_key" ON "organizations"("seq");
