/** The admin password of the servers the tests start (integration and end-to-end). */
export const TEST_ADMIN_PASSWORD = 'Admin-Test-Password-1';
