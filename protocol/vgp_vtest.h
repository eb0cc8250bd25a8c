/*
 * pvgpu — vtest transport framing and command ids (virgl-wire.md §1).
 * Every message starts with two dwords: payload length, command id. The length
 * field is not trustworthy for several commands (see the notes); a server reads
 * the fixed payload size of each command instead.
 */
#ifndef VGP_VTEST_H
#define VGP_VTEST_H

#define VTEST_DEFAULT_SOCKET_NAME "/tmp/.virgl_test"

/* Highest protocol version pvgpu negotiates. v3 adds blob resources, syncs and
 * SUBMIT_CMD2; Mesa's gallium winsys asks for 2. */
#define VTEST_PROTOCOL_VERSION_MAX 2

#define VTEST_HDR_SIZE 2
#define VTEST_CMD_LEN 0 /* dword index in the header */
#define VTEST_CMD_ID 1

enum vtest_cmd_id {
	VCMD_GET_CAPS = 1,
	VCMD_RESOURCE_CREATE = 2,
	VCMD_RESOURCE_UNREF = 3,
	VCMD_TRANSFER_GET = 4,
	VCMD_TRANSFER_PUT = 5,
	VCMD_SUBMIT_CMD = 6,
	VCMD_RESOURCE_BUSY_WAIT = 7,
	VCMD_CREATE_RENDERER = 8,
	VCMD_GET_CAPS2 = 9,
	VCMD_PING_PROTOCOL_VERSION = 10,
	VCMD_PROTOCOL_VERSION = 11,
	VCMD_RESOURCE_CREATE2 = 12,
	VCMD_TRANSFER_GET2 = 13,
	VCMD_TRANSFER_PUT2 = 14,
	VCMD_GET_PARAM = 15,
	VCMD_GET_CAPSET = 16,
	VCMD_CONTEXT_INIT = 17,
	VCMD_RESOURCE_CREATE_BLOB = 18,
	VCMD_SYNC_CREATE = 19,
	VCMD_SYNC_UNREF = 20,
	VCMD_SYNC_READ = 21,
	VCMD_SYNC_WRITE = 22,
	VCMD_SYNC_WAIT = 23,
	VCMD_SUBMIT_CMD2 = 24,
	VCMD_MAX = 25,
};

/* Fixed request payload sizes (dwords). */
#define VCMD_RES_CREATE_SIZE 10
#define VCMD_RES_CREATE2_SIZE 11
#define VCMD_RES_UNREF_SIZE 1
#define VCMD_TRANSFER_HDR_SIZE 11  /* v0 TRANSFER_GET/PUT */
#define VCMD_TRANSFER2_HDR_SIZE 10 /* TRANSFER_GET2/PUT2 */
#define VCMD_BUSY_WAIT_SIZE 2
#define VCMD_PROTOCOL_VERSION_SIZE 1
#define VCMD_PING_PROTOCOL_VERSION_SIZE 0

/* RESOURCE_CREATE / CREATE2 payload positions (0-based within the payload). */
#define VCMD_RES_CREATE_RES_HANDLE 0
#define VCMD_RES_CREATE_TARGET 1
#define VCMD_RES_CREATE_FORMAT 2
#define VCMD_RES_CREATE_BIND 3
#define VCMD_RES_CREATE_WIDTH 4
#define VCMD_RES_CREATE_HEIGHT 5
#define VCMD_RES_CREATE_DEPTH 6
#define VCMD_RES_CREATE_ARRAY_SIZE 7
#define VCMD_RES_CREATE_LAST_LEVEL 8
#define VCMD_RES_CREATE_NR_SAMPLES 9
#define VCMD_RES_CREATE2_DATA_SIZE 10

/* TRANSFER_GET2 / PUT2 payload positions. */
#define VCMD_TRANSFER2_RES_HANDLE 0
#define VCMD_TRANSFER2_LEVEL 1
#define VCMD_TRANSFER2_X 2         /* x, y, z, w, h, d */
#define VCMD_TRANSFER2_DATA_SIZE 8 /* ignored: computed with the client's stride */
#define VCMD_TRANSFER2_OFFSET 9

/* v0 TRANSFER_GET / PUT payload positions. */
#define VCMD_TRANSFER_RES_HANDLE 0
#define VCMD_TRANSFER_LEVEL 1
#define VCMD_TRANSFER_STRIDE 2
#define VCMD_TRANSFER_LAYER_STRIDE 3
#define VCMD_TRANSFER_X 4 /* x, y, z, w, h, d */
#define VCMD_TRANSFER_DATA_SIZE 10

/* RESOURCE_BUSY_WAIT */
#define VCMD_BUSY_WAIT_HANDLE 0
#define VCMD_BUSY_WAIT_FLAGS 1
#define VCMD_BUSY_WAIT_FLAG_WAIT 1u

/* GET_PARAM */
#define VCMD_PARAM_MAX_TIMELINE_COUNT 1

#endif /* VGP_VTEST_H */
